/**
 * Releases as a user makes them, on a harness copy: `ade release` on
 * development (each service built once, its image recorded), `ade promote
 * development testing` (testing runs the release's image and never builds),
 * `ade deploy testing`. Testing runs on the containers runtime here, as in the
 * platform suite: the committed testing runs on Swarm, which the bench does not
 * start on the shared engine. Measured: deploys of good releases, a broken
 * release (its /health answers 500) that `ade deploy` detects and puts the
 * previous release back for, and `ade rollback testing --to <version>`.
 */
import * as fs from "fs";
import * as path from "path";
import { getJson, Harness } from "../tests/e2e/harness";
import { ade, adeOk, recordStack, serviceContainers } from "./harnessOps";
import { waitAllHealthy } from "./health";
import { Report } from "./report";

const SECTION = "releases (testing on containers, ade)";
const DEADLINE_SECONDS = 20;

export async function releases(h: Harness, runs: number, report: Report): Promise<void> {
    h.initStack("development");
    h.initStack("testing");
    fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
    h.setConfig("testing", "runtime", "containers");
    h.setConfig("testing", "services.api.replicas", "1");
    // As in the platform suite: a broken release fails after 20 s instead of the default two minutes.
    for (const stack of ["development", "testing"] as const) h.setConfig(stack, "healthCheck.deadlineSeconds", String(DEADLINE_SECONDS));
    const api = `http://127.0.0.1:${h.port("testing", 28080)}/health`;

    /** Release the source as it is, promote it to testing and deploy it there; returns the release's version and the deploy. */
    const releaseAndDeploy = async (bump: string, text: string, expectFailure = false) => {
        const release = await adeOk(h, ["release", bump, text, "--no-git"]);
        const version = /release (\d+\.\d+\.\d+)/.exec(release.stdout)?.[1];
        if (version === undefined) throw new Error(`ade release printed no version:\n${release.stdout.slice(-2000)}`);
        await adeOk(h, ["promote", "development", "testing", "--yes"], "testing");
        const deploy = await ade(h, ["deploy", "testing", "--skip-tests"], "testing");
        if (!expectFailure && deploy.status !== 0) throw new Error(`ade deploy testing of release ${version} exited ${deploy.status}:\n${deploy.stdout.slice(-3000)}\n${deploy.stderr.slice(-3000)}`);
        return { version, release, deploy };
    };

    const first = await releaseAndDeploy("minor", "First release");
    const names = serviceContainers(await recordStack(h, "testing"));
    await waitAllHealthy(names);
    const second = await releaseAndDeploy("minor", "Second release");
    await waitAllHealthy(names);
    await expectVersion(api, second.version);
    report.record(SECTION, "ade release (build each service once)", [first.release.seconds, second.release.seconds], { note: "2 runs: build, digests into releases.json" });
    report.record(SECTION, "ade deploy testing: first release, from nothing", [first.deploy.seconds], { note: "1 run: preview, up, health verification" });
    report.record(SECTION, "ade deploy testing: the next release", [second.deploy.seconds], { note: "1 run: the application's container replaced by the release's image" });

    const routes = path.join(h.dir, "app", "src", "routes.js");
    const source = fs.readFileSync(routes, "utf8");
    const healthy = 'return { status: 200, json: { status: "ok", version: config.version } };';
    if (!source.includes(healthy)) throw new Error("could not find the /health handler in app/src/routes.js to break it");
    const detected: number[] = [];
    const restored: number[] = [];
    try {
        for (let run = 0; run < runs; run++) {
            fs.writeFileSync(routes, source.replace(healthy, 'return { status: 500, json: { status: "broken", version: config.version } };'));
            const running = ((await getJson(api)).body as { version: string }).version;
            const started = process.hrtime.bigint();
            const { deploy } = await releaseAndDeploy("minor", `Broken health ${run + 1}`, true);
            const built = Number(process.hrtime.bigint() - started) / 1e9 - deploy.seconds;
            await waitAllHealthy(names);
            const total = Number(process.hrtime.bigint() - started) / 1e9 - built;
            const failure = deploy.lines.find((l) => /^release \S+ failed on testing: /.test(l.text));
            if (deploy.status !== 1 || failure === undefined || !deploy.stderr.includes("put back what ran before")) {
                throw new Error(`ade deploy of a broken release did not fail and put the previous one back (exit ${deploy.status}):\n${deploy.stdout.slice(-3000)}\n${deploy.stderr.slice(-3000)}`);
            }
            await expectVersion(api, running);
            detected.push(failure.at);
            restored.push(total);
            fs.writeFileSync(routes, source);
        }
    } finally {
        fs.writeFileSync(routes, source);
    }
    report.record(SECTION, "broken release: ade deploy testing start -> failure detected", detected, {
        note: `container replacement + health verification giving up after its ${DEADLINE_SECONDS} s deadline (healthCheck.deadlineSeconds)`,
    });
    report.record(SECTION, "broken release: ade deploy testing start -> previous release healthy again", restored, { note: "the previous release put back by ade deploy; it exits 1" });

    const rollbacks: number[] = [];
    for (let run = 0; run < runs; run++) {
        const to = run % 2 === 0 ? first.version : second.version;
        const started = process.hrtime.bigint();
        await adeOk(h, ["rollback", "testing", "--to", to], "testing");
        await waitAllHealthy(names);
        rollbacks.push(Number(process.hrtime.bigint() - started) / 1e9);
        await expectVersion(api, to);
    }
    report.record(SECTION, "ade rollback testing --to <version> -> all healthy", rollbacks, { note: `alternating ${first.version} / ${second.version}: the release's image, nothing built` });
}

async function expectVersion(url: string, version: string): Promise<void> {
    const { status, body } = await getJson(url);
    const running = (body as { version?: string }).version;
    if (status !== 200 || running !== version) throw new Error(`expected release ${version} healthy at ${url}, got HTTP ${status} ${JSON.stringify(body)}`);
}
