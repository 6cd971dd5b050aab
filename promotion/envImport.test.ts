import { expect } from "chai";
import * as dotenv from "dotenv";
import { envFileProblems, EnvImportOptions, formatEnvImport, planEnvImport } from "./envImport";

const DEFAULTS: EnvImportOptions = { secret: [], plain: [], ignoreUnknown: false };

interface Case {
    readonly title: string;
    readonly env: Record<string, string>;
    readonly options?: Partial<EnvImportOptions>;
    /** [variable, config key, secret, value] */
    readonly entries?: [string, string, boolean, unknown][];
    readonly ignored?: string[];
    readonly problems?: string[];
}

const KNOWN = "APP_VERSION, API_PORT, API_HOST_PORT, API_BIND_ADDRESS, API_HEALTH_PATH, LOG_LEVEL, DEBUG_ENDPOINTS, ADMINER_PORT, DB_NAME, DB_USER, DB_HOST_PORT, DB_PASSWORD, PROMETHEUS_PORT, PROMETHEUS_RETENTION_DAYS, GRAFANA_PORT, GRAFANA_ANONYMOUS_ACCESS, GRAFANA_ADMIN_PASSWORD, SECRET_KEY, APP_SECRET_KEY";

const cases: Case[] = [
    {
        title: "maps and converts every documented kind of variable",
        env: {
            APP_VERSION: "0.3.0",
            API_PORT: "8080",
            API_HOST_PORT: " 28088 ",
            LOG_LEVEL: "warn",
            DEBUG_ENDPOINTS: "no",
            GRAFANA_ANONYMOUS_ACCESS: "TRUE",
            DB_NAME: "ade_test",
            DB_USER: "app",
            PROMETHEUS_PORT: "29091",
            GRAFANA_PORT: "23001",
        },
        entries: [
            ["APP_VERSION", "version", false, "0.3.0"],
            ["API_PORT", "services.api.port", false, 8080],
            ["API_HOST_PORT", "services.api.hostPort", false, 28088],
            ["LOG_LEVEL", "debug.logLevel", false, "warn"],
            ["DEBUG_ENDPOINTS", "debug.endpoints", false, false],
            ["GRAFANA_ANONYMOUS_ACCESS", "monitoring.grafana.anonymousAccess", false, true],
            ["DB_NAME", "database.name", false, "ade_test"],
            ["DB_USER", "database.user", false, "app"],
            ["PROMETHEUS_PORT", "monitoring.prometheus.hostPort", false, 29091],
            ["GRAFANA_PORT", "monitoring.grafana.hostPort", false, 23001],
        ],
    },
    {
        title: "makes the sensitive variables secrets",
        env: { DB_PASSWORD: "p1", GRAFANA_ADMIN_PASSWORD: "p2", SECRET_KEY: "k" },
        entries: [
            ["DB_PASSWORD", "databasePassword", true, "p1"],
            ["GRAFANA_ADMIN_PASSWORD", "grafanaAdminPassword", true, "p2"],
            ["SECRET_KEY", "appSecretKey", true, "k"],
        ],
    },
    {
        title: "accepts SECRET_KEY and APP_SECRET_KEY together when they agree",
        env: { SECRET_KEY: "k", APP_SECRET_KEY: "k" },
        entries: [["SECRET_KEY", "appSecretKey", true, "k"]],
    },
    {
        title: "refuses SECRET_KEY and APP_SECRET_KEY with different values",
        env: { SECRET_KEY: "k1", APP_SECRET_KEY: "k2" },
        problems: ["SECRET_KEY and APP_SECRET_KEY: both set appSecretKey to different values (keep one of them)"],
    },
    {
        title: "refuses unknown variables, naming the way out",
        env: { APP_VERSION: "1.0.0", REDIS_URL: "redis://x" },
        problems: [
            `REDIS_URL: unknown .env variable (known: ${KNOWN}); set its config key by hand with pulumi config set --path <key> <value> --stack testing, or pass --ignore-unknown to skip it`,
        ],
    },
    {
        title: "skips unknown variables with --ignore-unknown",
        env: { APP_VERSION: "1.0.0", REDIS_URL: "redis://x", STRIPE_TOKEN: "t" },
        options: { ignoreUnknown: true },
        entries: [["APP_VERSION", "version", false, "1.0.0"]],
        ignored: ["REDIS_URL", "STRIPE_TOKEN"],
    },
    {
        title: "refuses a value that does not convert, showing it",
        env: { API_PORT: "80a", DEBUG_ENDPOINTS: "maybe" },
        problems: ['API_PORT: must be a whole number for services.api.port (got "80a")', 'DEBUG_ENDPOINTS: must be true or false for debug.endpoints (got "maybe")'],
    },
    {
        title: "refuses --secret on a key the schema keeps plain",
        env: { DB_NAME: "ade" },
        options: { secret: ["DB_NAME"] },
        problems: ["DB_NAME: treated as a secret (name matches /PASSWORD|SECRET|TOKEN|KEY$/i or --secret), but database.name is not a secret config key; pass --plain DB_NAME to import it as plain config"],
    },
    {
        title: "refuses --plain on a key the schema keeps secret",
        env: { DB_PASSWORD: "p" },
        options: { plain: ["DB_PASSWORD"] },
        problems: ["DB_PASSWORD: treated as plain (--plain DB_PASSWORD), but databasePassword must be a secret; drop --plain DB_PASSWORD"],
    },
    {
        title: "refuses flags naming variables the file lacks, or both flags on one",
        env: { APP_VERSION: "1.0.0" },
        options: { secret: ["TOKEN", "APP_VERSION"], plain: ["APP_VERSION"] },
        problems: [
            "--secret TOKEN: the .env file has no variable TOKEN (drop --secret TOKEN)",
            "APP_VERSION: given both --secret and --plain (keep one)",
            "APP_VERSION: treated as a secret (name matches /PASSWORD|SECRET|TOKEN|KEY$/i or --secret), but version is not a secret config key; pass --plain APP_VERSION to import it as plain config",
        ],
    },
];

describe("env import: mapping", () => {
    for (const c of cases) {
        it(c.title, () => {
            const plan = planEnvImport(c.env, "testing", { ...DEFAULTS, ...c.options });
            expect(plan.problems).to.deep.equal(c.problems ?? []);
            if (c.problems === undefined) expect(plan.entries.map((e) => [e.variable, e.key, e.secret, e.value])).to.deep.equal(c.entries);
            expect(plan.ignored).to.deep.equal(c.ignored ?? []);
        });
    }

    it("splits entries into plain edits and secrets", () => {
        const plan = planEnvImport({ APP_VERSION: "0.3.0", DB_HOST_PORT: "15433", DB_PASSWORD: "pw" }, "development", DEFAULTS);
        expect(plan.edits).to.deep.equal([
            { kind: "set", path: ["version"], value: "0.3.0" },
            { kind: "set", path: ["database", "hostPort"], value: 15433 },
        ]);
        expect(plan.secrets).to.deep.equal([{ key: "databasePassword", value: "pw" }]);
    });

    it("never shows a secret's value, not even in a conversion error", () => {
        const plan = planEnvImport({ APP_VERSION: "0.3.0", DB_PASSWORD: "hunter2" }, "development", DEFAULTS);
        expect(formatEnvImport(plan, "development", "legacy.env")).to.equal(
            ["Import legacy.env into development (2 keys):", '  APP_VERSION → version: "0.3.0"', "  DB_PASSWORD → databasePassword: secret (value not shown)"].join("\n"),
        );
        const secretPort = planEnvImport({ API_PORT: "hunter2" }, "development", { ...DEFAULTS, secret: ["API_PORT"] });
        expect(secretPort.problems.join("\n")).to.not.include("hunter2");
    });
});

describe("env import: malformed files", () => {
    const files: [string, string, string[]][] = [
        ["a well-formed file", '# comment\n\nexport APP_VERSION=1.0.0\nDB_PASSWORD="a b"\nMULTI="line 1\nline 2"\nEMPTY=\n', []],
        ["a line without =", "APP_VERSION=1.0.0\nDB_PASSWORD hunter2\n", ["legacy.env:2: not a NAME=value line (each line must be NAME=value, a # comment or blank; fix or remove it)"]],
        ["a name starting with a digit", "1API_PORT=80\n", ["legacy.env:1: not a NAME=value line (each line must be NAME=value, a # comment or blank; fix or remove it)"]],
        ["a quote that never closes", "APP_VERSION=1.0.0\nDB_PASSWORD='abc\n", ["legacy.env:2: the quoted value is never closed (add the closing ')"]],
    ];
    for (const [title, text, problems] of files) {
        it(`reports ${problems.length === 0 ? "nothing for" : "each bad line of"} ${title}`, () => {
            expect(envFileProblems("legacy.env", text)).to.deep.equal(problems);
        });
    }

    it("agrees with dotenv on the well-formed file", () => {
        expect(dotenv.parse('export APP_VERSION=1.0.0\nDB_PASSWORD="a b"\nMULTI="line 1\nline 2"\n')).to.deep.equal({ APP_VERSION: "1.0.0", DB_PASSWORD: "a b", MULTI: "line 1\nline 2" });
    });
});
