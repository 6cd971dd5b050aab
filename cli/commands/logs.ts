/**
 * `ade logs <stack> [service] [--since 10m] [--follow] [--level warn]`: the
 * stack's logs merged in time order (Docker's timestamps, one clock for every
 * service), readable on a terminal, one JSON object a line when piped.
 */
import { Command } from "commander";
import { atLeast, jsonLine, Level, LogEntry, mergeByTime, parseLevel, parseSince, ReorderBuffer, ServiceLogParser, terminalLine } from "../../operations/logs";
import type { ServiceState } from "../../operations/services";
import { UserError } from "../../core/errors";
import { projectName } from "../../stacks/stackFile";
import { containersInspector, LogStream, StackInspector } from "../inspect";
import { projectRoot, requireKnownStack } from "../workspace";

export interface LogsOptions {
    readonly stack: string;
    /** One service (`api`, `postgres`); every service when absent. */
    readonly service?: string;
    /** Docker's `--since`: `10m`, an RFC 3339 time, or `all`. */
    readonly since: string;
    readonly follow?: boolean;
    readonly level?: string;
    /** `terminal`: aligned, coloured lines; `json`: one JSON object a line. Chosen by whether stdout is a terminal. */
    readonly format?: "terminal" | "json";
    readonly root?: string;
    readonly inspector?: StackInspector;
    readonly write?: (text: string) => void;
}

/** How long followed lines wait for older lines of other services before they are printed. */
const FOLLOW_HOLD_MS = 300;

export async function logs(options: LogsOptions): Promise<number> {
    const root = options.root ?? projectRoot();
    requireKnownStack(root, options.stack);
    const write = options.write ?? ((t: string) => process.stdout.write(t));
    const since = userInput(() => parseSince(options.since));
    const minimum: Level = options.level === undefined ? "debug" : userInput(() => parseLevel(options.level ?? ""));
    const inspector = options.inspector ?? containersInspector(projectName(root), options.stack);

    const all = await inspector.services();
    const chosen = options.service === undefined ? all : all.filter((s) => s.service === options.service);
    if (chosen.length === 0) {
        if (all.length === 0) throw new UserError(`nothing of stack ${options.stack} runs on this Docker host (deploy it with: ade deploy ${options.stack})`);
        throw new UserError(`stack ${options.stack} has no service "${options.service ?? ""}" (services: ${all.map((s) => s.service).join(", ")})`);
    }
    const serviceWidth = Math.max(...chosen.map((s) => s.service.length));
    const format = options.format ?? (process.stdout.isTTY === true ? "terminal" : "json");
    const print = (entries: readonly LogEntry[]) => {
        const shown = entries.filter((e) => atLeast(e, minimum));
        if (shown.length > 0) write(`${shown.map((e) => (format === "json" ? jsonLine(e) : terminalLine(e, { serviceWidth, color: process.env["NO_COLOR"] === undefined }))).join("\n")}\n`);
        return shown.length;
    };

    if (options.follow !== true) {
        const streams = await Promise.all(chosen.map((s) => collect(inspector, s, since)));
        return print(mergeByTime(streams));
    }
    return follow(inspector, chosen, since, print);
}

/** One service's log up to now, parsed. */
async function collect(inspector: StackInspector, service: ServiceState, since: string | undefined): Promise<LogEntry[]> {
    const parser = new ServiceLogParser(service.service);
    const entries: LogEntry[] = [];
    const stream = inspector.logs(service, { since, follow: false });
    stream.onLine((line) => {
        const entry = parser.parse(line);
        if (entry !== undefined) entries.push(entry);
    });
    await stream.done;
    // Docker interleaves a container's stdout and stderr by arrival; its timestamps order them.
    return mergeByTime([entries]);
}

/** Follows every chosen service until interrupted, printing lines in time order as they settle. */
async function follow(inspector: StackInspector, chosen: readonly ServiceState[], since: string | undefined, print: (entries: readonly LogEntry[]) => number): Promise<number> {
    const buffer = new ReorderBuffer(FOLLOW_HOLD_MS);
    let printed = 0;
    const streams: LogStream[] = chosen.map((s) => {
        const parser = new ServiceLogParser(s.service);
        const stream = inspector.logs(s, { since, follow: true });
        stream.onLine((line) => {
            const entry = parser.parse(line);
            if (entry !== undefined) buffer.push(entry, Date.now());
        });
        return stream;
    });
    const timer = setInterval(() => (printed += print(buffer.release(Date.now()))), FOLLOW_HOLD_MS / 3);
    const stop = () => streams.forEach((s) => s.stop());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
        await Promise.all(streams.map((s) => s.done));
    } finally {
        clearInterval(timer);
        process.removeListener("SIGINT", stop);
        process.removeListener("SIGTERM", stop);
        printed += print(buffer.release(Date.now(), true));
    }
    return printed;
}

function userInput<T>(parse: () => T): T {
    try {
        return parse();
    } catch (error) {
        throw new UserError((error as Error).message);
    }
}

export function register(program: Command): void {
    program
        .command("logs")
        .argument("<stack>", "development, testing or production")
        .argument("[service]", "one service (api, postgres, prometheus, ...); every service when absent")
        .option("--since <when>", "a duration (10m, 1h30m), an RFC 3339 time, or all", "10m")
        .option("-f, --follow", "keep printing new lines until interrupted")
        .option("--level <level>", "the least severe level shown: debug, info, warn, error or fatal (lines without a level count as info)")
        .description("the stack's logs merged in time order: aligned lines on a terminal, one JSON object a line when piped")
        .action(async (stack: string, service: string | undefined, opts: { since: string; follow?: boolean; level?: string }) => {
            // Piped into `head` or a pager that quit: stop quietly, as other command-line tools do.
            process.stdout.on("error", (error: NodeJS.ErrnoException) => {
                if (error.code !== "EPIPE") throw error;
                process.exit(0);
            });
            await logs({ stack, service, since: opts.since, follow: opts.follow === true, level: opts.level });
        });
}
