/** The benchmark's results: rows of min/median/max, printed as they come and written to bench/RESULTS.md. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { summarize, Summary } from "./stats";

export type Unit = "s" | "x" | "requests" | "count";

export interface Row {
    readonly section: string;
    readonly name: string;
    readonly unit: Unit;
    readonly summary?: Summary;
    readonly note?: string;
}

export class Report {
    public readonly rows: Row[] = [];
    public readonly notes: string[] = [];
    /** Sections of their own after the table (timelines), each a title and Markdown lines. */
    public readonly sections: { readonly title: string; readonly lines: readonly string[] }[] = [];

    /** The row named so, if it was recorded with samples. */
    find(section: string, name: string): Row | undefined {
        return this.rows.find((r) => r.section === section && r.name === name && r.summary !== undefined);
    }

    record(section: string, name: string, samples: number[] | undefined, options: { unit?: Unit; note?: string } = {}): void {
        const row: Row = { section, name, unit: options.unit ?? "s", summary: samples === undefined || samples.length === 0 ? undefined : summarize(samples), note: options.note };
        this.rows.push(row);
        const s = row.summary;
        const figures = s === undefined ? "no samples" : `median ${format(s.median, row.unit)} (min ${format(s.min, row.unit)}, max ${format(s.max, row.unit)}, ${s.runs} runs)`;
        process.stdout.write(`[bench] ${section} / ${name}: ${figures}${row.note === undefined ? "" : ` ${row.note}`}\n`);
    }

    /** Per-run ratios `ours[i] / peer[i]`: each ratio is measured within one run. */
    ratio(section: string, name: string, ours: readonly number[], peer: readonly number[], note?: string): void {
        const ratios = ours.map((o, i) => o / (peer[i] ?? NaN)).filter((r) => Number.isFinite(r));
        this.record(section, name, ratios, { unit: "x", note });
    }

    write(file: string, header: { runs: number; started: Date; seconds: number }): void {
        const lines = [
            "# Benchmark results",
            "",
            "Written by `npm run bench` (bench/run.ts); see the README's Performance section for a summary.",
            "",
            `- date: ${header.started.toISOString()} (whole run: ${(header.seconds / 60).toFixed(1)} min)`,
            `- machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
            `- node ${process.version}; pulumi ${version("pulumi", ["version"])}; docker ${version("docker", ["version", "--format", "{{.Server.Version}}"])}; docker-compose ${version("docker-compose", ["version", "--short"])}`,
            `- runs per figure: ${header.runs} unless the row says otherwise (ADE_BENCH_RUNS); s = seconds, x = our figure divided by the peer's, measured in the same run`,
            ...this.notes.map((n) => `- ${n}`),
            "",
            "| section | measurement | unit | min | median | max | note |",
            "|---|---|---|---:|---:|---:|---|",
            ...this.rows.map(
                (r) =>
                    `| ${r.section} | ${r.name} | ${r.unit} | ${cell(r.summary?.min, r.unit)} | ${cell(r.summary?.median, r.unit)} | ${cell(r.summary?.max, r.unit)} | ${r.note ?? ""} |`,
            ),
            "",
            ...this.sections.flatMap((s) => [`## ${s.title}`, "", ...s.lines, ""]),
        ];
        fs.writeFileSync(file, lines.join("\n"));
        process.stdout.write(`[bench] wrote ${file}\n`);
    }
}

function format(value: number, unit: Unit): string {
    return `${cell(value, unit)}${unit === "s" ? " s" : unit === "x" ? "x" : ` ${unit}`}`;
}

function cell(value: number | undefined, unit: Unit): string {
    if (value === undefined) return "";
    if (unit === "requests" || unit === "count") return Number.isInteger(value) ? String(value) : value.toFixed(1);
    return value.toFixed(unit === "x" ? 2 : 3);
}

function version(command: string, args: string[]): string {
    try {
        return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n")[0] ?? "?";
    } catch {
        return "not installed";
    }
}
