/**
 * `npm run bench`: measures what users feel and writes bench/RESULTS.md.
 * Every figure is a median over several runs (min/median/max reported); ratios
 * are measured in the same run as their peer. Never used as a pass/fail test.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluate } from "./scale";
import { summarize, Summary, timeRuns } from "./stats";

interface Row {
    readonly section: string;
    readonly name: string;
    readonly summary?: Summary;
    readonly note?: string;
}

const rows: Row[] = [];
const RUNS = Number(process.env["ADE_BENCH_RUNS"] ?? 5);

function record(section: string, name: string, samples: number[] | undefined, note?: string): void {
    rows.push({ section, name, summary: samples === undefined ? undefined : summarize(samples), note });
    const s = rows[rows.length - 1]?.summary;
    process.stdout.write(`[bench] ${section} / ${name}: ${s ? `median ${s.median.toFixed(3)} s (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}, ${s.runs} runs)` : ""}${note ? ` ${note}` : ""}\n`);
}

async function programScale(): Promise<void> {
    await evaluate(1); // warm module loading out of the measurement
    for (const count of [10, 50, 200]) {
        let resources = 0;
        const samples = await timeRuns(RUNS, async () => {
            resources = await evaluate(count);
        });
        record("program scale (mocks)", `${count} services`, samples, `(${resources} resources)`);
    }
}

function version(command: string, args: string[]): string {
    try {
        return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n")[0] ?? "?";
    } catch {
        return "not installed";
    }
}

function writeResults(): void {
    const lines = [
        "# Benchmark results",
        "",
        `- date: ${new Date().toISOString()}`,
        `- machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
        `- node ${process.version}; pulumi ${version("pulumi", ["version"])}; docker ${version("docker", ["version", "--format", "{{.Server.Version}}"])}`,
        `- runs per figure: ${RUNS}; seconds`,
        "",
        "| section | measurement | min | median | max | note |",
        "|---|---|---:|---:|---:|---|",
        ...rows.map(
            (r) =>
                `| ${r.section} | ${r.name} | ${r.summary?.min.toFixed(3) ?? ""} | ${r.summary?.median.toFixed(3) ?? ""} | ${r.summary?.max.toFixed(3) ?? ""} | ${r.note ?? ""} |`,
        ),
        "",
    ];
    const file = path.join(__dirname, "RESULTS.md");
    fs.writeFileSync(file, lines.join("\n"));
    process.stdout.write(`[bench] wrote ${file}\n`);
}

async function main(): Promise<void> {
    await programScale();
    writeResults();
}

main().catch((error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
});
