/**
 * Asynchronous processes and polling for the benchmarks: the event loop stays
 * free, so a request stream can run while an update does, and every output
 * line carries the moment it arrived.
 */
import { execFile, spawn } from "child_process";

export interface Line {
    /** Seconds since the process started. */
    readonly at: number;
    readonly stream: "stdout" | "stderr";
    readonly text: string;
}

export interface Timed {
    readonly status: number;
    readonly seconds: number;
    readonly lines: Line[];
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `command` to its end; never throws for a non-zero exit (the caller decides). */
export function runTimed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Timed> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const since = () => Number(process.hrtime.bigint() - started) / 1e9;
        const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
        const lines: Line[] = [];
        const text = { stdout: "", stderr: "" };
        for (const stream of ["stdout", "stderr"] as const) {
            let partial = "";
            child[stream].setEncoding("utf8");
            child[stream].on("data", (chunk: string) => {
                text[stream] += chunk;
                const parts = (partial + chunk).split("\n");
                partial = parts.pop() ?? "";
                for (const p of parts) lines.push({ at: since(), stream, text: p });
            });
        }
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ status: code ?? (signal === null ? -1 : 128), seconds: since(), lines, ...text }));
    });
}

/** Runs `command` and throws, with its output, unless it exits 0. */
export async function runOk(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Timed> {
    const result = await runTimed(command, args, options);
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    }
    return result;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

export function execText(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) =>
        execFile(command, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
            if (error === null) resolve(stdout);
            else reject(new Error(`${command} ${args.join(" ")}: ${error.message}`));
        }),
    );
}
