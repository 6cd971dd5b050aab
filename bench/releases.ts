/**
 * `ade` on a harness copy, as the release suite drives it: a failed release
 * (its /health answers 500) that `ade deploy` detects and rolls back by
 * itself, and `ade rollback --to` between two good releases.
 */
import * as fs from "fs";
import * as path from "path";
import { getJson, Harness } from "../tests/e2e/harness";
import { ade, adeOk, recordStack, serviceContainers } from "./harnessOps";
import { waitAllHealthy } from "./health";
import { Report } from "./report";

const SECTION = "releases (development, ade)";
const DEADLINE_SECONDS = 20;

export async function releases(h: Harness, runs: number, report: Report): Promise<void> {
    h.initStack("development");
    fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
    // As in the release suite: a broken release fails after 20 s instead of the default two minutes.
    h.setConfig("development", "healthCheck.deadlineSeconds", String(DEADLINE_SECONDS));
    const names = serviceContainers(await recordStack(h, "development"));
    const api = `http://127.0.0.1:${h.port("development", 18080)}/health`;

    const deploys: number[] = [];
    for (const [bump, text] of [["major", "First release"], ["minor", "Second release"]] as const) {
        await adeOk(h, ["release", bump, text, "--no-git"]);
        const deploy = await adeOk(h, ["deploy", "development", "--skip-tests"]);
        await waitAllHealthy(names);
        deploys.push(deploy.seconds);
    }
    report.record(SECTION, "ade deploy of a good release (first, then second)", deploys, { note: `${deploys.length} runs (setup for the rows below): preview, up, verification` });

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
            await adeOk(h, ["release", "minor", `Broken health ${run + 1}`, "--no-git"]);
            const started = process.hrtime.bigint();
            const deploy = await ade(h, ["deploy", "development", "--skip-tests"]);
            await waitAllHealthy(names);
            const total = Number(process.hrtime.bigint() - started) / 1e9;
            const failure = deploy.lines.find((l) => /^release \S+ failed on development: /.test(l.text));
            if (deploy.status !== 1 || failure === undefined || !deploy.stderr.includes("put back what ran before")) {
                throw new Error(`ade deploy of a broken release did not fail and roll back as expected (exit ${deploy.status}):\n${deploy.stdout.slice(-3000)}\n${deploy.stderr.slice(-3000)}`);
            }
            await expectVersion(api, running);
            detected.push(failure.at);
            restored.push(total);
            fs.writeFileSync(routes, source);
        }
    } finally {
        fs.writeFileSync(routes, source);
    }
    report.record(SECTION, "failed release: ade deploy start -> failure detected", detected, {
        note: `image build + container replacement + health verification giving up after its ${DEADLINE_SECONDS} s deadline (healthCheck.deadlineSeconds)`,
    });
    report.record(SECTION, "failed release: ade deploy start -> previous release healthy again", restored, { note: "automatic rollback included; ade exits 1" });

    const rollbacks: number[] = [];
    for (let run = 0; run < runs; run++) {
        const to = run % 2 === 0 ? "1.0.0" : "1.1.0";
        const started = process.hrtime.bigint();
        await adeOk(h, ["rollback", "development", "--to", to]);
        await waitAllHealthy(names);
        rollbacks.push(Number(process.hrtime.bigint() - started) / 1e9);
        await expectVersion(api, to);
    }
    report.record(SECTION, "ade rollback --to <version> -> all healthy", rollbacks, { note: "alternating 1.0.0 / 1.1.0; images kept locally, nothing rebuilt" });
}

async function expectVersion(url: string, version: string): Promise<void> {
    const { status, body } = await getJson(url);
    const running = (body as { version?: string }).version;
    if (status !== 200 || running !== version) throw new Error(`expected release ${version} healthy at ${url}, got HTTP ${status} ${JSON.stringify(body)}`);
}
