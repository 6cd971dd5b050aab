/**
 * A stack's logs as one stream: every service's lines, each stamped by Docker
 * (`docker logs --timestamps`, one clock for all), parsed as well as their
 * format allows (JSON, logfmt, PostgreSQL's text), merged in time order,
 * filtered by level, and written for a terminal or as JSON lines for scripts.
 * Pure: the lines come from the caller.
 */

export const LEVELS = ["debug", "info", "warn", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

export interface LogEntry {
    /** Docker's timestamp, RFC 3339 with nine fraction digits, so entries sort as strings. */
    readonly time: string;
    readonly service: string;
    /** What the line says its level is; undefined when it says none. */
    readonly level: Level | undefined;
    readonly message: string;
    /** Everything else the line carries (JSON or logfmt keys, PostgreSQL's pid). */
    readonly fields: Readonly<Record<string, unknown>>;
    readonly format: "json" | "logfmt" | "postgres" | "text";
}

const DOCKER_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z (.*)$/s;

/** Docker's `--timestamps` prefix and the text after it; undefined for a line without one. */
export function splitDockerTimestamp(line: string): { time: string; text: string } | undefined {
    const m = DOCKER_TIMESTAMP.exec(line);
    if (m === null) return undefined;
    return { time: `${m[1] ?? ""}.${(m[2] ?? "").padEnd(9, "0")}Z`, text: m[3] ?? "" };
}

/** pino's numeric levels, and the words services use. */
const LEVEL_WORDS: Readonly<Record<string, Level>> = {
    "10": "debug",
    "20": "debug",
    "30": "info",
    "40": "warn",
    "50": "error",
    "60": "fatal",
    trace: "debug",
    debug: "debug",
    info: "info",
    notice: "info",
    warn: "warn",
    warning: "warn",
    error: "error",
    err: "error",
    fatal: "fatal",
    critical: "fatal",
    crit: "fatal",
    panic: "fatal",
};

export function levelOf(value: unknown): Level | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    return LEVEL_WORDS[String(value).toLowerCase()];
}

/** PostgreSQL's message severities (LOG is its ordinary information). */
const POSTGRES_SEVERITY: Readonly<Record<string, Level>> = {
    DEBUG1: "debug",
    DEBUG2: "debug",
    DEBUG3: "debug",
    DEBUG4: "debug",
    DEBUG5: "debug",
    LOG: "info",
    INFO: "info",
    NOTICE: "info",
    WARNING: "warn",
    ERROR: "error",
    FATAL: "fatal",
    PANIC: "fatal",
};
/** Lines PostgreSQL writes after a message, about it: they share its level. */
const POSTGRES_FOLLOW_UP = new Set(["DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION"]);
const POSTGRES_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] ([A-Z0-9]+):\s+(.*)$/s;

/** Keys that are the entry's own (time, level, message) or say nothing on a terminal. */
const ENVELOPE_KEYS = new Set(["level", "time", "t", "ts", "msg", "message", "pid", "hostname"]);

/**
 * One line of a service's log, after Docker's timestamp. `previous` is the
 * line before it from the same service: PostgreSQL's DETAIL/HINT/STATEMENT
 * lines take its level.
 */
export function parseLogText(service: string, time: string, text: string, previous?: LogEntry): LogEntry {
    const trimmed = text.trimEnd();
    if (trimmed.startsWith("{")) {
        try {
            const json = JSON.parse(trimmed) as unknown;
            if (json !== null && typeof json === "object" && !Array.isArray(json)) {
                const o = json as Record<string, unknown>;
                const message = o["msg"] ?? o["message"];
                return {
                    time,
                    service,
                    level: levelOf(o["level"]),
                    message: typeof message === "string" ? message : "",
                    fields: Object.fromEntries(Object.entries(o).filter(([k]) => !ENVELOPE_KEYS.has(k))),
                    format: "json",
                };
            }
        } catch {
            // Not JSON after all: read it as text below.
        }
    }
    const pg = POSTGRES_LINE.exec(trimmed);
    if (pg !== null) {
        const severity = pg[2] ?? "";
        const level = POSTGRES_FOLLOW_UP.has(severity) ? (previous?.level ?? "info") : POSTGRES_SEVERITY[severity];
        const message = POSTGRES_FOLLOW_UP.has(severity) ? `${severity}: ${pg[3] ?? ""}` : (pg[3] ?? "");
        return { time, service, level, message, fields: { pid: Number(pg[1]) }, format: "postgres" };
    }
    const logfmt = parseLogfmt(trimmed);
    if (logfmt !== undefined && ("level" in logfmt || "msg" in logfmt)) {
        return {
            time,
            service,
            level: levelOf(logfmt["level"]),
            message: logfmt["msg"] ?? "",
            fields: Object.fromEntries(Object.entries(logfmt).filter(([k]) => !ENVELOPE_KEYS.has(k) && k !== "caller")),
            format: "logfmt",
        };
    }
    return { time, service, level: undefined, message: trimmed, fields: {}, format: "text" };
}

/** `key=value key="quoted value"` pairs, or undefined when the text is not logfmt. */
export function parseLogfmt(text: string): Record<string, string> | undefined {
    const pairs: Record<string, string> = {};
    const pattern = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/gy;
    let m: RegExpExecArray | null;
    let end = 0;
    while ((m = pattern.exec(text)) !== null) {
        const raw = m[2] ?? "";
        pairs[m[1] ?? ""] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
        end = pattern.lastIndex;
    }
    return end === text.length && Object.keys(pairs).length > 0 ? pairs : undefined;
}

/**
 * Parses one service's raw `docker logs --timestamps` lines in order. A line
 * without Docker's timestamp (a multi-line message broken up by the reader)
 * continues the one before it.
 */
export class ServiceLogParser {
    private last: LogEntry | undefined;

    constructor(private readonly service: string) {}

    parse(line: string): LogEntry | undefined {
        const split = splitDockerTimestamp(line);
        if (split === undefined) {
            if (this.last === undefined || line.trim() === "") return undefined;
            return { ...this.last, message: line.trimEnd(), fields: {}, format: "text" };
        }
        this.last = parseLogText(this.service, split.time, split.text, this.last);
        return this.last;
    }
}

/** Lines without a level count as info: `--level warn` leaves them out. */
export function atLeast(entry: LogEntry, minimum: Level): boolean {
    return LEVELS.indexOf(entry.level ?? "info") >= LEVELS.indexOf(minimum);
}

/** Every service's entries in one list, oldest first; entries of one instant keep their order. */
export function mergeByTime(streams: readonly (readonly LogEntry[])[]): LogEntry[] {
    const tagged = streams.flatMap((entries, s) => entries.map((entry, i) => ({ entry, s, i })));
    tagged.sort((a, b) => (a.entry.time < b.entry.time ? -1 : a.entry.time > b.entry.time ? 1 : a.s - b.s || a.i - b.i));
    return tagged.map((t) => t.entry);
}

/**
 * Holds entries that arrive from several followed services for `holdMs`, then
 * releases them in time order, so lines written at nearly the same moment by
 * two services come out in order though they arrive out of it.
 */
export class ReorderBuffer {
    private pending: { entry: LogEntry; arrived: number; seq: number }[] = [];
    private seq = 0;

    constructor(private readonly holdMs: number) {}

    push(entry: LogEntry, now: number): void {
        this.pending.push({ entry, arrived: now, seq: this.seq++ });
    }

    /** The entries held at least `holdMs` (all of them with `all`), oldest first. */
    release(now: number, all = false): LogEntry[] {
        const ripe = all ? this.pending : this.pending.filter((p) => now - p.arrived >= this.holdMs);
        if (ripe.length === 0) return [];
        // Whatever is held and older than the newest ripe entry goes out with it.
        const newest = ripe.reduce((m, p) => (p.entry.time > m ? p.entry.time : m), "");
        const out = this.pending.filter((p) => all || p.entry.time <= newest);
        this.pending = this.pending.filter((p) => !out.includes(p));
        out.sort((a, b) => (a.entry.time < b.entry.time ? -1 : a.entry.time > b.entry.time ? 1 : a.seq - b.seq));
        return out.map((p) => p.entry);
    }
}

const COLORS: Readonly<Record<Level, string>> = { debug: "\x1b[2m", info: "", warn: "\x1b[33m", error: "\x1b[31m", fatal: "\x1b[1;31m" };

/** `17:36:37.403 api         INFO  request method=GET path=/metrics status=200` */
export function terminalLine(entry: LogEntry, options: { serviceWidth: number; color: boolean }): string {
    const clock = entry.time.slice(11, 23);
    const level = (entry.level ?? "").toUpperCase().padEnd(5);
    const fields = Object.entries(entry.fields)
        .map(([k, v]) => `${k}=${typeof v === "string" ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
        .join(" ");
    const text = [entry.message, fields].filter((s) => s !== "").join(" ");
    const line = `${clock} ${entry.service.padEnd(options.serviceWidth)} ${level} ${text}`;
    const color = entry.level === undefined ? "" : COLORS[entry.level];
    return options.color && color !== "" ? `${color}${line}\x1b[0m` : line;
}

/** One JSON object per entry: time, service, level and msg first, then the line's own fields. */
export function jsonLine(entry: LogEntry): string {
    const own = { time: entry.time, service: entry.service, level: entry.level ?? null, msg: entry.message };
    return JSON.stringify({ ...own, ...Object.fromEntries(Object.entries(entry.fields).filter(([k]) => !(k in own))) });
}

/**
 * `--since` as Docker takes it: a duration (`10m`, `1h30m`, `45s`), an RFC 3339
 * time or date, or `all` (returned as undefined: no limit). Throws a one-line
 * message naming the value otherwise.
 */
export function parseSince(value: string): string | undefined {
    if (value === "all") return undefined;
    if (/^(\d+h)?(\d+m)?(\d+s)?$/.test(value) && value !== "") return value;
    if (/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
    throw new Error(`--since must be a duration such as 10m, 1h30m or 45s, a time such as 2026-11-25T10:00:00Z, or all (got ${JSON.stringify(value)})`);
}

export function parseLevel(value: string): Level {
    const level = LEVELS.find((l) => l === value.toLowerCase());
    if (level === undefined) throw new Error(`--level must be one of ${LEVELS.join(", ")} (got ${JSON.stringify(value)})`);
    return level;
}
