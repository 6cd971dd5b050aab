/**
 * `npm run bench`: measures what users feel and writes bench/RESULTS.md.
 * Every figure is a median over several runs (min/median/max reported); ratios
 * are measured in the same run as their peer. Never used as a pass/fail test.
 * Sections run one after another, each on its own harness copy, cleaned up
 * even on failure. Port block 3 (tests/e2e/harness.ts harnessPort): the
 * end-to-end suites use the others.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { Harness, missingPlugins, StackName } from "../tests/e2e/harness";
import { coldUp } from "./coldUp";
import { adeOk, keepingImageMirrors, up } from "./harnessOps";
import { noOp } from "./noop";
import { standinDescription } from "./plugins";
import { sleep } from "./proc";
import { releases } from "./releases";
import { Report } from "./report";
import { evaluate } from "./scale";
import { summaryMarkdown, writeSummary } from "./summary";
import { suites } from "./suites";
import { swarmFigures } from "./swarm";
import { timeRuns } from "./stats";
import { versionUpdate } from "./update";
import { SOURCE_ROOT } from "../core/paths";

const PORT_BASE = 3;
/**
 * The stacks whose no-op up and preview are measured. Testing runs on the containers runtime here
 * (committed: swarm). Production is left out: its rules require 2 replicas of the public service,
 * which only the swarm runtime runs (the swarm section measures its updates).
 */
const NOOP_STACKS: readonly StackName[] = ["development", "testing"];
const RUNS = Number(process.env["ADE_BENCH_RUNS"] ?? 3);
const ONLY = (process.env["ADE_BENCH_ONLY"] ?? "").split(",").filter(Boolean);
const selected = (section: string) => ONLY.length === 0 || ONLY.includes(section);

async function programScale(report: Report): Promise<void> {
    await evaluate(1); // warm module loading out of the measurement
    for (const count of [10, 50, 200]) {
        let resources = 0;
        const samples = await timeRuns(RUNS, async () => {
            resources = await evaluate(count);
        });
        report.record("program scale (mocks)", `${count} services`, samples, { note: `${resources} resources` });
    }
}

/** Another engineer's end-to-end run shares the Docker daemon and the CPUs: wait for it, so it neither skews nor is skewed. */
async function waitForQuiet(): Promise<void> {
    let said = false;
    for (;;) {
        let others = "";
        try {
            others = execFileSync("pgrep", ["-f", "mocha.*e2e"], { encoding: "utf8" }).trim();
        } catch {
            return; // pgrep exits 1 when nothing matches
        }
        if (!said) process.stdout.write(`[bench] an end-to-end run is in progress (pids ${others.split("\n").join(" ")}); waiting for it to finish\n`);
        said = true;
        await sleep(10_000);
    }
}

/** A harness copy for one section, prepared and always cleaned up. */
async function withHarness(name: string, portBase: number, fn: (h: Harness) => Promise<void>): Promise<void> {
    await waitForQuiet();
    const h = new Harness({ name, portBase });
    try {
        await h.prepare();
        await fn(h);
    } finally {
        await h.cleanUp();
    }
}

async function main(): Promise<void> {
    const started = new Date();
    const report = new Report();
    const failures: string[] = [];
    /** A failed section is reported in RESULTS.md and fails the run, but the other sections still run. */
    const section = async (name: string, fn: () => Promise<void>) => {
        if (!selected(name)) return;
        const loadBefore = os.loadavg()[0] ?? 0;
        try {
            await fn();
            // How busy the machine was: the figures of a section share its CPUs with everything else.
            report.notes.push(`load average (1 min) on ${os.cpus().length} cores at the start and the end of section ${name}: ${loadBefore.toFixed(1)}, ${(os.loadavg()[0] ?? 0).toFixed(1)}`);
        } catch (error) {
            const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
            process.stderr.write(`[bench] section ${name} failed: ${message}\n`);
            failures.push(name);
            report.notes.push(`FAILED section ${name}: ${message.split("\n")[0] ?? ""}`);
        }
    };
    await section("scale", () => keepingImageMirrors(() => programScale(report)));
    if (["cold", "noop", "update", "releases", "swarm"].some(selected)) {
        const missing = missingPlugins();
        if (missing !== undefined) throw new Error(`the Docker-backed figures need the docker and command resource plugins, which are missing:\n${missing}`);
        const standins = standinDescription();
        if (standins !== undefined) {
            report.notes.push(standins);
            process.stdout.write("[bench] NOTE: the Pulumi figures run the real engine with the toolchain's STAND-IN docker/command plugins\n");
        }
    }
    await section("cold", async () => {
        report.notes.push("cold up: the application image is built once before either side is timed (the compose file names it; Pulumi's build step is then a cache hit); images are local (toolchain/build-images.sh)");
        await withHarness("benchup", PORT_BASE, (h) => coldUp(h, RUNS, report));
    });
    if (selected("noop") || selected("update")) {
        await withHarness("benchstacks", PORT_BASE, async (h) => {
            h.initStack("development");
            h.initStack("testing");
            // Testing runs a release (it never builds): made once from development and promoted, as a user does.
            fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
            h.setConfig("testing", "runtime", "containers");
            h.setConfig("testing", "services.api.replicas", "1");
            report.notes.push(
                "no-op up / preview: development, and testing on the containers runtime (committed: swarm) running release 0.2.0 made with `ade release` and `ade promote development testing`; production is not measured: its rules require 2 replicas of the public service, which only the swarm runtime runs (the swarm section measures its updates)",
            );
            report.notes.push("version update: `pulumi config set version` + `pulumi up --yes --skip-preview` of development (containers runtime), which rebuilds the application image and replaces its container");
            await section("noop", async () => {
                await adeOk(h, ["release", "minor", "Bench release", "--no-git"]);
                await adeOk(h, ["promote", "development", "testing", "--yes"], "testing");
                await noOp(h, NOOP_STACKS, RUNS, report);
            });
            await section("update", async () => {
                if (!selected("noop")) await up(h, "development");
                await versionUpdate(h, RUNS, report);
            });
        });
    }
    await section("releases", () => withHarness("benchrel", PORT_BASE, (h) => releases(h, RUNS, report)));
    // A swarm of this engine and a second one in a container: alone on the engine (the swarm suite's rule), and left as it was.
    await section("swarm", async () => {
        await waitForQuiet();
        const h = new Harness({ name: "benchswarm", portBase: PORT_BASE });
        await h.prepare();
        await swarmFigures(h, RUNS, report, PORT_BASE);
    });
    await section("suites", async () => {
        await waitForQuiet();
        await suites(RUNS, report, { e2e: process.env["ADE_BENCH_E2E"] !== "0" });
    });
    const out = process.env["ADE_BENCH_OUT"] ?? path.join(SOURCE_ROOT, "bench", "RESULTS.md");
    report.write(out, { runs: RUNS, started, seconds: (Date.now() - started.getTime()) / 1000 });
    // The README shows only a whole run's figures: a partial or redirected run writes its summary beside its results.
    const whole = ONLY.length === 0 && process.env["ADE_BENCH_OUT"] === undefined;
    const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`;
    writeSummary(
        path.join(path.dirname(out), whole ? "SUMMARY.md" : `${path.basename(out, ".md")}.SUMMARY.md`),
        whole ? path.join(SOURCE_ROOT, "README.md") : undefined,
        summaryMarkdown(report, { date: started.toISOString(), runs: RUNS, machine, stacks: NOOP_STACKS, results: inRepo(out) }),
    );
    if (failures.length > 0) throw new Error(`sections failed: ${failures.join(", ")} (see above and ${out})`);
}

/** A results file as the summary links it: relative to the repository when it is inside it, else as given. */
function inRepo(file: string): string {
    const relative = path.relative(SOURCE_ROOT, path.resolve(file));
    return relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

main().catch((error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
});
