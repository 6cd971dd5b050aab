/** How long the project's own test suites take, run as a developer runs them. */
import { REPO } from "../tests/e2e/harness";
import { runTimed, Timed } from "./proc";
import { Report } from "./report";

const SECTION = "test suites";

export async function suites(runs: number, report: Report, options: { e2e: boolean }): Promise<void> {
    const unit: number[] = [];
    let last: Timed | undefined;
    for (let run = 0; run < runs; run++) {
        last = await runTimed("npm", ["test"], { cwd: REPO });
        unit.push(last.seconds);
    }
    report.record(SECTION, "npm test (unit)", unit, { note: last === undefined ? undefined : counts(last) });
    if (!options.e2e) {
        report.notes.push("test suites: the end-to-end suites were not timed in this run (ADE_BENCH_E2E=0), so that the run holds the shared engine for less than 25 minutes");
        return;
    }
    const e2e = await runTimed("npm", ["run", "test:e2e"], { cwd: REPO });
    report.record(SECTION, "npm run test:e2e (all four suites)", [e2e.seconds], { note: `1 run; ${counts(e2e)}` });
}

/** `N passing, M failing, K pending` from mocha's summary, and the exit status. */
function counts(result: Timed): string {
    const count = (kind: string) => [...result.stdout.matchAll(new RegExp(`^ +(\\d+) ${kind}`, "gm"))].pop()?.[1] ?? "0";
    return `${count("passing")} passing, ${count("failing")} failing, ${count("pending")} pending (exit ${result.status})`;
}
