import { expect } from "chai";
import { atLeast, jsonLine, LogEntry, mergeByTime, parseLevel, parseLogfmt, parseSince, ReorderBuffer, ServiceLogParser, splitDockerTimestamp, terminalLine } from "./logs";

const T = "2026-11-25T17:36:32.422917575Z";

describe("logs: one line of a service", () => {
    const cases: { title: string; service: string; lines: string[]; expected: Partial<LogEntry>[] }[] = [
        {
            title: "the application's JSON (pino): level, message and its own fields",
            service: "api",
            lines: [`${T} {"level":"info","time":"2026-11-25T17:36:32.422Z","pid":1,"hostname":"48e0148f20aa","method":"GET","path":"/visits","status":200,"duration_ms":1.5,"msg":"request"}`],
            expected: [{ time: T, level: "info", message: "request", fields: { method: "GET", path: "/visits", status: 200, duration_ms: 1.5 }, format: "json" }],
        },
        {
            title: "pino's numeric levels",
            service: "api",
            lines: [`${T} {"level":50,"msg":"request handler failed"}`],
            expected: [{ level: "error", message: "request handler failed", format: "json" }],
        },
        {
            title: "Grafana's JSON: t, level, logger, msg",
            service: "grafana",
            lines: [`${T} {"t": "2026-11-25T17:36:23.961+00:00", "level": "warn", "logger": "grafana-standin", "msg": "request", "status": 401}`],
            expected: [{ level: "warn", message: "request", fields: { logger: "grafana-standin", status: 401 }, format: "json" }],
        },
        {
            title: "PostgreSQL's text, its timestamp from Docker, its severity as the level",
            service: "postgres",
            lines: [
                "2026-11-25T17:34:15.680666547Z 2026-11-25 17:34:15.677 UTC [60] LOG:  database system is ready to accept connections",
                '2026-11-25T17:40:01.1Z 2026-11-25 17:40:01.100 UTC [77] ERROR:  relation "nope" does not exist at character 15',
                "2026-11-25T17:40:01.2Z 2026-11-25 17:40:01.100 UTC [77] STATEMENT:  SELECT * FROM nope",
                "2026-11-25T17:40:02Z 2026-11-25 17:40:02.000 UTC [78] FATAL:  password authentication failed for user \"ade\"",
            ],
            expected: [
                { time: "2026-11-25T17:34:15.680666547Z", level: "info", message: "database system is ready to accept connections", fields: { pid: 60 }, format: "postgres" },
                { time: "2026-11-25T17:40:01.100000000Z", level: "error", message: 'relation "nope" does not exist at character 15', fields: { pid: 77 } },
                { time: "2026-11-25T17:40:01.200000000Z", level: "error", message: "STATEMENT: SELECT * FROM nope", fields: { pid: 77 } },
                { time: "2026-11-25T17:40:02.000000000Z", level: "fatal", message: 'password authentication failed for user "ade"' },
            ],
        },
        {
            title: "PostgreSQL's start-up text without a prefix: no level",
            service: "postgres",
            lines: ["2026-11-25T17:34:14Z PostgreSQL init process complete; ready for start up."],
            expected: [{ level: undefined, message: "PostgreSQL init process complete; ready for start up.", fields: {}, format: "text" }],
        },
        {
            title: "Prometheus's logfmt, quoted values unquoted, caller left out",
            service: "prometheus",
            lines: [`${T} ts=2026-11-25T17:34:16.061Z caller=manager.go:978 level=warn component="rule manager" msg="Evaluating rule failed" err="query timed out"`],
            expected: [{ level: "warn", message: "Evaluating rule failed", fields: { component: "rule manager", err: "query timed out" }, format: "logfmt" }],
        },
        {
            title: "a line Docker broke off a multi-line message continues the one before",
            service: "api",
            lines: [`${T} {"level":"error","msg":"boom"}`, "    at handler (/app/src/server.js:10:5)"],
            expected: [
                { level: "error", message: "boom" },
                { time: T, level: "error", message: "    at handler (/app/src/server.js:10:5)", format: "text" },
            ],
        },
        {
            title: "plain text: no level, the whole line as the message",
            service: "dbadmin",
            lines: [`${T} [Wed Nov 25 17:36:38 2026] 127.0.0.1:36880 [200]: GET /`],
            expected: [{ level: undefined, message: "[Wed Nov 25 17:36:38 2026] 127.0.0.1:36880 [200]: GET /", format: "text" }],
        },
    ];
    for (const c of cases) {
        it(`parses ${c.title}`, () => {
            const parser = new ServiceLogParser(c.service);
            const entries = c.lines.map((l) => parser.parse(l));
            expect(entries).to.have.length(c.expected.length);
            entries.forEach((e, i) => expect(e, `line ${i + 1}`).to.deep.include({ service: c.service, ...c.expected[i] }));
        });
    }

    it("pads Docker's trimmed fractions so timestamps sort as text", () => {
        expect(splitDockerTimestamp("2026-11-25T17:36:32.4229Z hello")).to.deep.equal({ time: "2026-11-25T17:36:32.422900000Z", text: "hello" });
        expect(splitDockerTimestamp("2026-11-25T17:36:32Z hello")?.time).to.equal("2026-11-25T17:36:32.000000000Z");
        expect(splitDockerTimestamp("no timestamp")).to.equal(undefined);
    });

    it("reads logfmt only when the whole line is pairs", () => {
        expect(parseLogfmt('a=1 b="x y" c=')).to.deep.equal({ a: "1", b: "x y", c: "" });
        expect(parseLogfmt("GET /health 200")).to.equal(undefined);
    });
});

const entry = (service: string, time: string, level: LogEntry["level"] = "info", message = `${service} at ${time}`): LogEntry => ({
    time,
    service,
    level,
    message,
    fields: {},
    format: "json",
});

describe("logs: merging and filtering", () => {
    it("merges services in time order, keeping the order of lines of one instant", () => {
        const api = [entry("api", "2026-01-01T00:00:01.000000000Z"), entry("api", "2026-01-01T00:00:03.000000000Z"), entry("api", "2026-01-01T00:00:03.000000000Z", "warn")];
        const pg = [entry("postgres", "2026-01-01T00:00:02.000000000Z"), entry("postgres", "2026-01-01T00:00:03.000000000Z")];
        expect(mergeByTime([api, pg]).map((e) => `${e.service}@${e.time.slice(17, 19)}/${e.level ?? ""}`)).to.deep.equal([
            "api@01/info",
            "postgres@02/info",
            "api@03/info",
            "api@03/warn",
            "postgres@03/info",
        ]);
    });

    const levels: [LogEntry["level"], string, boolean][] = [
        ["error", "warn", true],
        ["warn", "warn", true],
        ["info", "warn", false],
        [undefined, "warn", false],
        [undefined, "info", true],
        ["debug", "debug", true],
    ];
    for (const [level, minimum, shown] of levels) {
        it(`${shown ? "shows" : "hides"} a ${level ?? "level-less"} line at --level ${minimum}`, () => {
            expect(atLeast(entry("api", T, level), parseLevel(minimum))).to.equal(shown);
        });
    }

    it("holds followed lines briefly and releases them in time order", () => {
        const buffer = new ReorderBuffer(300);
        buffer.push(entry("api", "2026-01-01T00:00:02.000000000Z"), 1000);
        buffer.push(entry("postgres", "2026-01-01T00:00:01.000000000Z"), 1100);
        buffer.push(entry("api", "2026-01-01T00:00:05.000000000Z"), 1250);
        expect(buffer.release(1200)).to.deep.equal([]);
        // The first is ripe; the older one that arrived later goes out before it; the newer one waits.
        expect(buffer.release(1300).map((e) => e.time.slice(17, 19))).to.deep.equal(["01", "02"]);
        expect(buffer.release(1400)).to.deep.equal([]);
        expect(buffer.release(1400, true).map((e) => e.time.slice(17, 19))).to.deep.equal(["05"]);
    });
});

describe("logs: output", () => {
    const e: LogEntry = { time: T, service: "api", level: "warn", message: "request", fields: { path: "/visits", status: 503, note: "two words" }, format: "json" };

    it("writes an aligned terminal line, coloured by level when asked", () => {
        expect(terminalLine(e, { serviceWidth: 8, color: false })).to.equal('17:36:32.422 api      WARN  request path=/visits status=503 note="two words"');
        expect(terminalLine(e, { serviceWidth: 3, color: true })).to.equal('\x1b[33m17:36:32.422 api WARN  request path=/visits status=503 note="two words"\x1b[0m');
    });

    it("writes one JSON object a line for scripts, with the line's own fields", () => {
        expect(JSON.parse(jsonLine(e))).to.deep.equal({ time: T, service: "api", level: "warn", msg: "request", path: "/visits", status: 503, note: "two words" });
        expect(JSON.parse(jsonLine({ ...e, level: undefined, fields: {} }))).to.deep.equal({ time: T, service: "api", level: null, msg: "request" });
    });
});

describe("logs: options", () => {
    const since: [string, string | undefined | Error][] = [
        ["10m", "10m"],
        ["1h30m", "1h30m"],
        ["45s", "45s"],
        ["2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z"],
        ["2026-11-25", "2026-11-25"],
        ["all", undefined],
        ["10 minutes", new Error('--since must be a duration such as 10m, 1h30m or 45s, a time such as 2026-11-25T10:00:00Z, or all (got "10 minutes")')],
        ["", new Error('--since must be a duration such as 10m, 1h30m or 45s, a time such as 2026-11-25T10:00:00Z, or all (got "")')],
        ["2026-13-45", new Error('--since must be a duration such as 10m, 1h30m or 45s, a time such as 2026-11-25T10:00:00Z, or all (got "2026-13-45")')],
    ];
    for (const [value, expected] of since) {
        it(`reads --since ${JSON.stringify(value)}`, () => {
            if (expected instanceof Error) expect(() => parseSince(value)).to.throw(expected.message);
            else expect(parseSince(value)).to.equal(expected);
        });
    }

    it("refuses an unknown --level, naming the levels", () => {
        expect(parseLevel("WARN")).to.equal("warn");
        expect(() => parseLevel("loud")).to.throw('--level must be one of debug, info, warn, error, fatal (got "loud")');
    });
});
