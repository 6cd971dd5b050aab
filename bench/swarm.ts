/**
 * The swarm runtime's figures, on the two-node swarm of the swarm suite
 * (tests/e2e/swarmFixture.ts: this engine as the manager, a second engine in
 * a container as the worker, a registry both reach): production's version
 * update through its entry proxy under a steady request stream, a release
 * that never starts until Swarm has rolled it back, and scaling the public
 * service from 2 to 4 replicas. Starts the swarm and leaves the engine as it
 * found it, whatever fails.
 */
import * as fs from "fs";
import * as path from "path";
import { docker, Harness, harnessPort, StackName } from "../tests/e2e/harness";
import { startProjectSwarm, stopProjectSwarm, SwarmFixture } from "../tests/e2e/swarmFixture";
import { startRequestStream, StreamResult } from "./client";
import { ade as harnessAde, adeOk as harnessAdeOk, up } from "./harnessOps";
import { sleep, Timed } from "./proc";
import { Report } from "./report";

const SECTION = "swarm runtime (production, 2 nodes)";
/** 50 requests per second, as the swarm suite sends. */
const INTERVAL_MS = 20;
/** The extra passphrase `ade` needs beside the stack's own when it reads production's releases. */
const PRODUCTION_PASSPHRASE = { ADE_PASSPHRASE_PRODUCTION: "ade-local-production" };

function ade(h: Harness, args: string[], stack: StackName): Promise<Timed> {
    return harnessAde(h, args, stack, PRODUCTION_PASSPHRASE);
}

function adeOk(h: Harness, args: string[], stack: StackName): Promise<Timed> {
    return harnessAdeOk(h, args, stack, PRODUCTION_PASSPHRASE);
}

/** Makes a release from development and promotes it through testing to production, as a user does; returns its version. */
async function releaseToProduction(h: Harness, description: string): Promise<string> {
    const made = await adeOk(h, ["release", "minor", description, "--no-git"], "development");
    const version = /^release (\d+\.\d+\.\d+): building/m.exec(made.stdout)?.[1];
    if (version === undefined) throw new Error(`ade release named no version:\n${made.stdout}`);
    await adeOk(h, ["promote", "development", "testing", "--yes"], "testing");
    await adeOk(h, ["promote", "testing", "production", "--yes"], "production");
    return version;
}

/** Runs `fn` beside a steady stream of requests to production's public entry, and a few seconds more while old tasks drain. */
async function underLoad<T>(h: Harness, fn: () => Promise<T>): Promise<{ value: T; seen: StreamResult }> {
    const stream = startRequestStream(`http://127.0.0.1:${h.port("production", 30080)}/`, { intervalMs: INTERVAL_MS, timeoutMs: 2000, maxSeconds: 900 });
    try {
        await sleep(1000); // answered before anything changes
        const value = await fn();
        await sleep(3000);
        return { value, seen: await stream.stop() };
    } catch (error) {
        await stream.stop(); // or the stream keeps the process alive
        throw error;
    }
}

/** Seconds from the start of the service's last update to the end of Swarm's rollback of it, from Swarm's own record. */
function swarmRollbackSeconds(service: string): number {
    const [state = "", started = "", completed = ""] = docker(["service", "inspect", "--format", "{{.UpdateStatus.State}}|{{.UpdateStatus.StartedAt}}|{{.UpdateStatus.CompletedAt}}", service]).split("|");
    if (state !== "rollback_completed") throw new Error(`${service}: Swarm's update state is ${state}, not rollback_completed`);
    return (Date.parse(completed) - Date.parse(started)) / 1000;
}

async function versionUpdates(h: Harness, runs: number, report: Report): Promise<void> {
    const times: number[] = [];
    const failed: number[] = [];
    const outages: number[] = [];
    const sent: number[] = [];
    for (let run = 0; run < runs; run++) {
        const version = await releaseToProduction(h, `Bench update ${run + 1}`);
        const { value: deploy, seen } = await underLoad(h, () => adeOk(h, ["deploy", "production", "--skip-tests"], "production"));
        times.push(deploy.seconds);
        failed.push(seen.failed);
        outages.push(seen.longestOutageSeconds);
        sent.push(seen.sent);
        process.stdout.write(`[bench] swarm update run ${run + 1}/${runs} (to ${version}): ${deploy.seconds.toFixed(1)} s, ${seen.failed} of ${seen.sent} requests failed ${JSON.stringify(seen.failures)}\n`);
    }
    report.record(SECTION, "ade deploy of a new release -> verified healthy", times, { note: "2 replicas, one per node, replaced one at a time start-first; the image pulled from the registry" });
    report.record(SECTION, "failed requests during the update", failed, { unit: "requests", note: `GET / through the entry proxy every ${INTERVAL_MS} ms, 2 s timeout; sent per run: ${sent.join(", ")}` });
    report.record(SECTION, "longest outage seen by the client", outages, { note: "first failed request to the next answered one" });
}

async function brokenReleases(h: Harness, runs: number, report: Report): Promise<void> {
    const server = path.join(h.dir, "app", "src", "server.js");
    const source = fs.readFileSync(server, "utf8");
    const deploys: number[] = [];
    const rollbacks: number[] = [];
    const failed: number[] = [];
    for (let run = 0; run < runs; run++) {
        fs.writeFileSync(server, `process.exit(3); // a release that never starts\n${source}`);
        let version: string;
        try {
            version = await releaseToProduction(h, `Bench never starts ${run + 1}`);
        } finally {
            fs.writeFileSync(server, source);
        }
        const { value: deploy, seen } = await underLoad(h, () => ade(h, ["deploy", "production", "--skip-tests"], "production"));
        if (deploy.status !== 1 || !deploy.stderr.includes(`release ${version} failed on production`)) {
            throw new Error(`ade deploy of ${version}, which never starts, did not fail as it should (exit ${deploy.status}):\n${deploy.stderr.slice(-3000)}`);
        }
        deploys.push(deploy.seconds);
        rollbacks.push(swarmRollbackSeconds(`${h.project}-production-api`));
        failed.push(seen.failed);
        process.stdout.write(`[bench] swarm broken release run ${run + 1}/${runs} (${version}): ade deploy failed after ${deploy.seconds.toFixed(1)} s, ${seen.failed} of ${seen.sent} requests failed\n`);
    }
    report.record(SECTION, "release that never starts: Swarm's update start -> rollback completed", rollbacks, { note: "from the service's UpdateStatus (failure action rollback, monitor, start-first)" });
    report.record(SECTION, "release that never starts: ade deploy -> failed, the previous release verified healthy", deploys, { note: "includes ade's own put-back of the previous release" });
    report.record(SECTION, "failed requests during the broken release", failed, { unit: "requests", note: "the same stream as the update's" });
}

async function scaling(h: Harness, runs: number, report: Report): Promise<void> {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
        h.setConfig("production", "services.api.replicas", "4");
        times.push((await up(h, "production")).seconds);
        h.setConfig("production", "services.api.replicas", "2");
        await up(h, "production");
    }
    report.record(SECTION, "scale 2 -> 4 replicas: pulumi up -> every replica running healthy", times, { note: "convergeConfig: up returns once Swarm runs all 4 tasks healthy; the entry proxy's config grows with them" });
}

/** The whole section on a prepared harness copy: the swarm, production on it, the figures, then everything taken down. */
export async function swarmFigures(h: Harness, runs: number, report: Report, portBase: number): Promise<void> {
    let swarm: SwarmFixture | undefined;
    try {
        const started = await startProjectSwarm(h, harnessPort(portBase, 0, 5000), ["production"]);
        swarm = started.swarm;
        fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
        if (started.noEncryption !== undefined) {
            report.notes.push(`swarm runtime: this kernel cannot encrypt overlay traffic (${started.noEncryption}): production runs with swarm.encryptedNetworks false`);
        }
        report.notes.push("swarm runtime: production only (testing is promoted through, not deployed), on this engine (manager, the database's node) and a second engine in a container (worker); releases made with `ade release`, promoted with `ade promote`, deployed with `ade deploy production --skip-tests`");
        await releaseToProduction(h, "Bench first release");
        await adeOk(h, ["deploy", "production", "--skip-tests"], "production");
        await versionUpdates(h, runs, report);
        await brokenReleases(h, runs, report);
        await scaling(h, runs, report);
    } finally {
        await stopProjectSwarm(h, swarm);
    }
}
