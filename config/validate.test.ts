import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { OtherStack } from "./ports";
import { formatProblems, RawStackConfig, validateStackConfig } from "./validate";
import { ROOT } from "../tests/mocks";

const ALL_SECRETS = new Set(["databasePassword", "grafanaAdminPassword", "appSecretKey"]);

/** Each committed stack file's values, parsed once: the cases read the same three files over a hundred times. */
const parsedStackValues = new Map<string, Record<string, unknown>>();

/** The non-secret values of a committed stack file, keyed without the `ade:` prefix: a copy of its own for each caller. */
function stackValues(stack: string): Record<string, unknown> {
    let values = parsedStackValues.get(stack);
    if (values === undefined) {
        const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
        values = Object.fromEntries(
            Object.entries(file.config)
                .filter(([, v]) => !(typeof v === "object" && v !== null && "secure" in v))
                .map(([k, v]) => [k.replace(/^ade:/, ""), v]),
        );
        parsedStackValues.set(stack, values);
    }
    return structuredClone(values);
}

type Mutation = (values: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
    readonly title: string;
    /** The stack validated; its values come from `file` (or this stack's own file). */
    readonly stack?: string;
    readonly file?: string;
    /** The project's other stacks, for the host-port check. */
    readonly others?: () => OtherStack[];
    readonly mutate?: Mutation;
    readonly secrets?: string[];
    readonly problems: string[];
}

const cases: Case[] = [
    { title: "a port out of range", mutate: (v) => (v.services.api.port = 70000), problems: ["services.api.port: must be 1-65535 (got 70000)"] },
    { title: "a port of 0", mutate: (v) => (v.services.api.hostPort = 0), problems: ["services.api.hostPort: must be 1-65535 (got 0)"] },
    { title: "a port given as a string", mutate: (v) => (v.services.api.port = "8080"), problems: ['services.api.port: must be a whole number 1-65535 (got "8080")'] },
    { title: "a fractional port", mutate: (v) => (v.monitoring.prometheus.hostPort = 9090.5), problems: ["monitoring.prometheus.hostPort: must be a whole number 1-65535 (got 9090.5)"] },
    { title: "a version that is not semver", mutate: (v) => (v.version = "1.2"), problems: ['version: must be a semver version such as 1.2.3 (got "1.2")'] },
    { title: "a version given as a number", mutate: (v) => (v.version = 1.2), problems: ["version: must be a string (got 1.2)"] },
    { title: "a missing version", mutate: (v) => delete v.version, problems: ["version: is required"] },
    {
        title: "an unknown environment",
        mutate: (v) => (v.environment = "staging"),
        problems: ['environment: stack "production" is the production environment, its name decides that (got "staging"): set it back with: pulumi config set environment production --stack production'],
    },
    {
        title: "production that says it is testing, and is still held to production's rules",
        mutate: (v) => {
            v.environment = "testing";
            v.monitoring.grafana.anonymousAccess = true;
            v.debug = { logLevel: "debug", endpoints: true };
            v.monitoring.prometheus.bindAddress = "0.0.0.0";
        },
        problems: [
            'environment: stack "production" is the production environment, its name decides that (got "testing"): set it back with: pulumi config set environment production --stack production',
            'debug.logLevel: must not be debug (got "debug") [production]',
            "debug.endpoints: must be false: debug endpoints are development only (got true) [production]",
            'monitoring.prometheus.bindAddress: must be 127.0.0.1: only the application\'s public entry leaves loopback (got "0.0.0.0") [production]',
            "monitoring.grafana.anonymousAccess: must be false (got true) [production]",
        ],
    },
    {
        title: "testing that says it is development",
        stack: "testing",
        mutate: (v) => (v.environment = "development"),
        problems: ['environment: stack "testing" is the testing environment, its name decides that (got "development"): set it back with: pulumi config set environment testing --stack testing'],
    },
    {
        title: "a stack of another name without a mapping",
        stack: "staging",
        file: "testing",
        mutate: (v) => delete v.environment,
        problems: ['environment: stack "staging" is not named development, testing or production, so its config must say which one it is: pulumi config set environment testing --stack staging'],
    },
    {
        title: "a stack whose name says prod mapped to testing",
        stack: "eu-prod",
        file: "testing",
        problems: [
            'environment: stack "eu-prod" says production in its name and cannot be mapped to the laxer testing (got "testing"): pulumi config set environment production --stack eu-prod, or give the stack a name that does not say production',
        ],
    },
    {
        title: "a stack of another name mapped to production, held to production's rules",
        stack: "customer-a",
        mutate: (v) => (v.monitoring.grafana.anonymousAccess = true),
        problems: ["monitoring.grafana.anonymousAccess: must be false (got true) [production]"],
    },
    {
        title: "an unknown top-level key",
        mutate: (v) => (v.replicas = 3),
        problems: [
            "replicas: unknown key (allowed: environment, version, images, services, database, monitoring, debug, security, logging, runtime, swarm, dockerHost, registry, releases, healthCheck, databasePassword, grafanaAdminPassword, appSecretKey, alertWebhookToken; remove it with: pulumi config rm replicas --stack production)",
        ],
    },
    {
        title: "an unknown key inside a service",
        mutate: (v) => (v.services.api.scale = 2),
        problems: [
            "services.api.scale: unknown key (allowed: image, build, port, hostPort, bindAddress, public, healthPath, readyPath, metricsPath, database, secrets, env, replicas, memoryMb, cpus)",
        ],
    },
    {
        title: "replicas on the containers runtime",
        mutate: (v) => ((v.runtime = "containers"), (v.services.api.replicas = 2)),
        problems: ["services.api.replicas: is more than 1, which only the swarm runtime runs (set runtime to swarm, or replicas to 1) (got 2)"],
    },
    { title: "an unknown runtime", mutate: (v) => (v.runtime = "kubernetes"), problems: ['runtime: must be one of containers, swarm (got "kubernetes")'] },
    { title: "a registry that is not an address", mutate: (v) => (v.registry = { address: "https://ghcr.io" }), problems: ['registry.address: must be a registry address such as 127.0.0.1:5000 or ghcr.io/acme (got "https://ghcr.io")'] },
    { title: "keeping no release", mutate: (v) => (v.releases = { keep: 0 }), problems: ["releases.keep: must keep at least 1 release (got 0)"] },
    {
        title: "an unknown key inside grafana",
        mutate: (v) => (v.monitoring.grafana.theme = "dark"),
        problems: ["monitoring.grafana.theme: unknown key (allowed: hostPort, bindAddress, anonymousAccess, memoryMb, cpus)"],
    },
    {
        title: "an unknown key inside alertmanager",
        mutate: (v) => (v.monitoring.alertmanager.slack = "#ops"),
        problems: [
            "monitoring.alertmanager.slack: unknown key (allowed: hostPort, webhook, groupWaitSeconds, groupIntervalSeconds, repeatIntervalMinutes, memoryMb, cpus)",
        ],
    },
    { title: "a boolean given as a string", mutate: (v) => (v.monitoring.grafana.anonymousAccess = "no"), problems: ['monitoring.grafana.anonymousAccess: must be a boolean (got "no")'] },
    { title: "services given as a list", mutate: (v) => (v.services = ["api"]), problems: ['services: must be a record (got array ["api"])'] },
    { title: "no services", mutate: (v) => (v.services = {}), problems: ["services: must declare at least one service (got {})"] },
    { title: "a bad service name", mutate: (v) => (v.services = { Api: v.services.api }), problems: ['services.Api: must be a lowercase name like api (got an object)'] },
    {
        title: "a service with both image and build",
        mutate: (v) => ((v.services.api.image = "ade/api:1.0.0"), (v.services.api.build = { context: "app" })),
        problems: ["services.api: takes `image` or `build`, not both (with neither it runs the image `ade release` made of it for the stack's version) (got an object)"],
    },
    { title: "a malformed image reference", mutate: (v) => (v.images = { postgres: "Postgres 15" }), problems: ['images.postgres: must be a Docker image reference such as postgres:15.8 (got "Postgres 15")'] },
    { title: "a bind address that is not an address", mutate: (v) => (v.services.api.bindAddress = "everywhere"), problems: ['services.api.bindAddress: must be an IPv4 address such as 127.0.0.1 (got "everywhere")'] },
    { title: "a negative memory limit", mutate: (v) => (v.database.memoryMb = -1), problems: ["database.memoryMb: must be 0 (no limit) or more MiB (got -1)"] },
    { title: "a health path without a slash", mutate: (v) => (v.services.api.healthPath = "health"), problems: ['services.api.healthPath: must start with / (got "health")'] },
    { title: "an unknown log level", mutate: (v) => (v.debug.logLevel = "verbose"), problems: ['debug.logLevel: must be one of debug, info, warn, error (got "verbose")'] },
    { title: "an environment variable with a bad name", mutate: (v) => (v.services.api.env = { "log-format": "json" }), problems: ['services.api.env.log-format: must be an environment variable name like LOG_FORMAT (got "json")'] },
    { title: "an unknown secret for a service", mutate: (v) => (v.services.api.secrets = ["apiToken"]), problems: ['services.api.secrets.0: must be appSecretKey (got "apiToken")'] },
    { title: "a backup retention of 0", mutate: (v) => (v.database.backup.retention = 0), problems: ["database.backup.retention: must keep at least 1 backup (got 0)"] },
    { title: "a missing monitoring section", mutate: (v) => delete v.monitoring, problems: ["monitoring: is required"] },
    {
        title: "two services on one host port",
        mutate: (v) => (v.monitoring.grafana.hostPort = v.services.api.hostPort),
        problems: ["monitoring.grafana.hostPort: clashes with services.api.hostPort (both 30080) (got 30080)"],
    },
    {
        title: "two public services",
        mutate: (v) => (v.services.web = { image: "nginx:1.27", hostPort: 38081, public: true }),
        problems: ["services: must have at most one public service (got api, web)"],
    },
    {
        title: "a missing secret",
        secrets: ["databasePassword", "grafanaAdminPassword"],
        problems: ["appSecretKey: missing secret (run: pulumi config set --secret appSecretKey <value> --stack production)"],
    },
    {
        title: "a secret stored as a plain value",
        mutate: (v) => (v.databasePassword = "hunter2"),
        secrets: ["grafanaAdminPassword", "appSecretKey"],
        problems: ["databasePassword: must be a secret, not a plain value (run: pulumi config set --secret databasePassword <value> --stack production)"],
    },
    {
        title: "a published database port outside development",
        stack: "testing",
        mutate: (v) => (v.database.hostPort = 25432),
        problems: ["database.hostPort: is development only: the testing database is reachable from its network alone (remove it) (got 25432)"],
    },
    { title: "production with a latest image", mutate: (v) => (v.images = { grafana: "grafana/grafana:latest" }), problems: ['images.grafana: must be pinned to a version tag or digest, not latest or untagged (got "grafana/grafana:latest") [production]'] },
    { title: "production with LATEST in capitals", mutate: (v) => (v.images = { postgres: "postgres:LATEST" }), problems: ['images.postgres: must be pinned to a version tag or digest, not latest or untagged (got "postgres:LATEST") [production]'] },
    { title: "production with a service image tagged Latest", mutate: (v) => (v.services.api = { ...v.services.api, build: undefined, image: "ade/api:Latest" }), problems: ['services.api.image: must be pinned to a version tag or digest, not latest or untagged (got "ade/api:Latest") [production]'] },
    { title: "production with an untagged image", mutate: (v) => (v.images = { postgres: "postgres" }), problems: ['images.postgres: must be pinned to a version tag or digest, not latest or untagged (got "postgres") [production]'] },
    { title: "production with debug logging", mutate: (v) => (v.debug.logLevel = "debug"), problems: ['debug.logLevel: must not be debug (got "debug") [production]'] },
    { title: "production with debug endpoints", mutate: (v) => (v.debug.endpoints = true), problems: ["debug.endpoints: must be false: debug endpoints are development only (got true) [production]"] },
    {
        title: "production with the database admin tool",
        mutate: (v) => (v.debug.dbAdmin = { enabled: true, hostPort: 38081 }),
        problems: ["debug.dbAdmin.enabled: must be false: the database admin tool is development only (got true) [production]"],
    },
    { title: "production without a memory limit", mutate: (v) => (v.services.api.memoryMb = 0), problems: ["services.api.memoryMb: must set a memory limit above 0 (got 0) [production]"] },
    { title: "production without a CPU limit", mutate: (v) => (v.monitoring.grafana.cpus = 0), problems: ["monitoring.grafana.cpus: must set a CPU limit above 0 (got 0) [production]"] },
    {
        title: "production publishing Grafana beyond loopback",
        mutate: (v) => (v.monitoring.grafana.bindAddress = "0.0.0.0"),
        problems: ['monitoring.grafana.bindAddress: must be 127.0.0.1: only the application\'s public entry leaves loopback (got "0.0.0.0") [production]'],
    },
    {
        title: "production publishing a private service beyond loopback",
        mutate: (v) => (v.services.worker = { image: "ade/worker:1.0.0", hostPort: 38090, bindAddress: "0.0.0.0" }),
        problems: ['services.worker.bindAddress: only the public service may listen beyond loopback; use 127.0.0.1 (got "0.0.0.0") [production]'],
    },
    { title: "production with anonymous Grafana", mutate: (v) => (v.monitoring.grafana.anonymousAccess = true), problems: ["monitoring.grafana.anonymousAccess: must be false (got true) [production]"] },
    { title: "production without backups", mutate: (v) => (v.database.backup.enabled = false), problems: ["database.backup.enabled: must be true: production takes a backup before every database update (got false) [production]"] },
    { title: "production without hardening", mutate: (v) => (v.security.hardened = false), problems: ["security.hardened: must be true (got false) [production]"] },
    {
        title: "several production violations at once",
        mutate: (v) => {
            v.debug.logLevel = "debug";
            v.monitoring.grafana.anonymousAccess = true;
            v.database.backup.enabled = false;
        },
        problems: [
            'debug.logLevel: must not be debug (got "debug") [production]',
            "monitoring.grafana.anonymousAccess: must be false (got true) [production]",
            "database.backup.enabled: must be true: production takes a backup before every database update (got false) [production]",
        ],
    },
    {
        title: "testing without an alert webhook",
        stack: "testing",
        mutate: (v) => delete v.monitoring.alertmanager.webhook,
        problems: ["monitoring.alertmanager.webhook: is required in testing, where alerts must reach someone: pulumi config set --path monitoring.alertmanager.webhook.url <https://receiver/path>"],
    },
    {
        title: "an alert webhook URL carrying credentials",
        mutate: (v) => (v.monitoring.alertmanager.webhook.url = "https://ade:s3cret@alerts.example.com/hook"),
        problems: [
            'monitoring.alertmanager.webhook.url: must carry no credentials (Alertmanager logs the URL with every failed delivery): put the token in the secret alertWebhookToken instead (got "https://ade:s3cret@alerts.example.com/hook")',
        ],
    },
    {
        title: "an alert webhook URL with a token in its query",
        mutate: (v) => (v.monitoring.alertmanager.webhook.url = "https://alerts.example.com/hook?token=abc"),
        problems: [
            'monitoring.alertmanager.webhook.url: must carry no credentials (Alertmanager logs the URL with every failed delivery): put the token in the secret alertWebhookToken instead (got "https://alerts.example.com/hook?token=abc")',
        ],
    },
    {
        title: "an alert webhook on loopback",
        mutate: (v) => (v.monitoring.alertmanager.webhook.url = "http://127.0.0.1:9000/alerts"),
        problems: ['monitoring.alertmanager.webhook.url: must be reachable from Alertmanager\'s container; loopback there is the container itself (got "http://127.0.0.1:9000/alerts")'],
    },
    { title: "an alert webhook that is not a URL", mutate: (v) => (v.monitoring.alertmanager.webhook.url = "alerts"), problems: ['monitoring.alertmanager.webhook.url: must be an http:// or https:// URL (got "alerts")'] },
    {
        title: "an alert webhook token without a webhook",
        stack: "development",
        secrets: [...ALL_SECRETS, "alertWebhookToken"],
        problems: [
            "alertWebhookToken: is set but monitoring.alertmanager.webhook is not, so no alert would carry it: set the webhook (pulumi config set --path monitoring.alertmanager.webhook.url <url> --stack development) or remove the token (pulumi config rm alertWebhookToken --stack development)",
        ],
    },
    {
        title: "an alert webhook token stored as a plain value",
        mutate: (v) => (v.alertWebhookToken = "abc"),
        problems: ["alertWebhookToken: must be a secret, not a plain value (run: pulumi config set --secret alertWebhookToken <value> --stack production)"],
    },
    { title: "a missing Alertmanager", mutate: (v) => delete v.monitoring.alertmanager, problems: ["monitoring.alertmanager: is required"] },
    {
        title: "Alertmanager on Prometheus's host port",
        mutate: (v) => (v.monitoring.alertmanager.hostPort = v.monitoring.prometheus.hostPort),
        problems: ["monitoring.alertmanager.hostPort: clashes with monitoring.prometheus.hostPort (both 30090) (got 30090)"],
    },
    { title: "a negative group wait", mutate: (v) => (v.monitoring.alertmanager.groupWaitSeconds = -1), problems: ["monitoring.alertmanager.groupWaitSeconds: must be 0 or more seconds (got -1)"] },
    { title: "a memory threshold above 100%", mutate: (v) => (v.monitoring.alerts = { memoryPercent: 120 }), problems: ["monitoring.alerts.memoryPercent: must be at most 100 (got 120)"] },
    { title: "production exporters without a memory limit", mutate: (v) => (v.monitoring.exporters.memoryMb = 0), problems: ["monitoring.exporters.memoryMb: must set a memory limit above 0 (got 0) [production]"] },
    { title: "production Alertmanager without a CPU limit", mutate: (v) => (v.monitoring.alertmanager.cpus = 0), problems: ["monitoring.alertmanager.cpus: must set a CPU limit above 0 (got 0) [production]"] },
    {
        title: "a mistyped top-level key, with the key that was meant (and no separate 'is required' for it)",
        mutate: (v) => {
            v.monitring = v.monitoring;
            delete v.monitoring;
        },
        problems: ["monitring: unknown key; did you mean monitoring? (rename it in Pulumi.production.yaml)"],
    },
    {
        title: "a mistyped key inside a service",
        mutate: (v) => (v.services.api.heathPath = "/healthz"),
        problems: ["services.api.heathPath: unknown key; did you mean healthPath?"],
    },
    {
        title: "a mistyped required key inside monitoring",
        mutate: (v) => {
            v.monitoring.promethus = v.monitoring.prometheus;
            delete v.monitoring.prometheus;
        },
        problems: ["monitoring.promethus: unknown key; did you mean prometheus?"],
    },
    {
        title: "a mistyped secret",
        secrets: ["databasePasword", "grafanaAdminPassword", "appSecretKey"],
        problems: ["databasePasword: unknown secret; did you mean databasePassword? (rename it in Pulumi.production.yaml)"],
    },
    {
        title: "a password in a service's plain env",
        stack: "testing",
        mutate: (v) => (v.services.api.env = { LOG_FORMAT: "json", DB_PASSWORD: "hunter2" }),
        problems: [
            "services.api.env.DB_PASSWORD: its name says PASSWORD, and env values are stored in plain text: remove it (pulumi config rm --path services.api.env.DB_PASSWORD --stack testing) and keep the value as a Pulumi secret: pulumi config set --secret appSecretKey <value> --stack testing, listed in services.api.secrets",
        ],
    },
    {
        title: "a token, a secret and a key in development's plain env",
        stack: "development",
        mutate: (v) => (v.services.api.env = { GITHUB_TOKEN: "x", client_secret: "y", API_KEY_ID: "z" }),
        problems: [
            'services.api.env.client_secret: must be an environment variable name like LOG_FORMAT (got "y")',
            ...["GITHUB_TOKEN: its name says TOKEN", "client_secret: its name says SECRET", "API_KEY_ID: its name says KEY"].map(
                (what) =>
                    `services.api.env.${what}, and env values are stored in plain text: remove it (pulumi config rm --path services.api.env.${what.split(":")[0]} --stack development) and keep the value as a Pulumi secret: pulumi config set --secret appSecretKey <value> --stack development, listed in services.api.secrets`,
            ),
        ],
    },
    {
        title: "a build context outside the project",
        stack: "development",
        mutate: (v) => (v.services.api.build.context = "../../../etc"),
        problems: ['services.api.build.context: must be a folder inside the project, relative to it (such as app) (got "../../../etc")'],
    },
    {
        title: "an absolute build context",
        stack: "development",
        mutate: (v) => (v.services.api.build.context = "/etc"),
        problems: ['services.api.build.context: must be a folder inside the project, relative to it (such as app) (got "/etc")'],
    },
    {
        title: "a Dockerfile outside the build context",
        stack: "development",
        mutate: (v) => (v.services.api.build.dockerfile = "../../Dockerfile"),
        problems: ['services.api.build.dockerfile: must be a file inside the build context, relative to it (such as Dockerfile) (got "../../Dockerfile")'],
    },
    {
        title: "a host port another stack of the project publishes",
        stack: "testing",
        mutate: (v) => (v.monitoring.grafana.hostPort = 30300),
        others: () => [{ stack: "production", values: stackValues("production") }],
        problems: [
            "monitoring.grafana.hostPort: port 30300 is already published by stack production (monitoring.grafana.hostPort on 127.0.0.1); the project's stacks share one Docker host: choose a free port with: pulumi config set --path monitoring.grafana.hostPort <port> --stack testing",
        ],
    },
    {
        title: "a loopback port another stack publishes on every address",
        stack: "testing",
        mutate: (v) => (v.monitoring.prometheus.hostPort = 30080),
        others: () => [{ stack: "production", values: stackValues("production") }],
        problems: [
            "monitoring.prometheus.hostPort: port 30080 is already published by stack production (services.api.hostPort on 0.0.0.0); the project's stacks share one Docker host: choose a free port with: pulumi config set --path monitoring.prometheus.hostPort <port> --stack testing",
        ],
    },
    {
        title: "a host port clash together with a schema problem of the same stack",
        stack: "testing",
        mutate: (v) => {
            v.monitoring.grafana.hostPort = 13000;
            v.services.api.build = { context: "../../../etc" };
        },
        others: () => [{ stack: "development", values: stackValues("development") }],
        problems: [
            'services.api.build.context: must be a folder inside the project, relative to it (such as app) (got "../../../etc")',
            "monitoring.grafana.hostPort: port 13000 is already published by stack development (monitoring.grafana.hostPort on 127.0.0.1); the project's stacks share one Docker host: choose a free port with: pulumi config set --path monitoring.grafana.hostPort <port> --stack testing",
        ],
    },
    {
        title: "a port that an invalid stack file still publishes",
        stack: "testing",
        mutate: (v) => (v.services.api.hostPort = 18081),
        others: () => [{ stack: "development", values: { ...stackValues("development"), version: "not semver" } }],
        problems: [
            "services.api.hostPort: port 18081 is already published by stack development (debug.dbAdmin.hostPort on 127.0.0.1); the project's stacks share one Docker host: choose a free port with: pulumi config set --path services.api.hostPort <port> --stack testing",
        ],
    },
    {
        title: "a value with a right-to-left override and a megabyte value, escaped and cut",
        mutate: (v) => {
            v.services.api.healthPath = "health\u202Ecod.exe";
            v.version = "1".repeat(1024 * 1024);
        },
        problems: [
            `version: must be a semver version such as 1.2.3 (got "${"1".repeat(119)}… (${1024 * 1024 + 2 - 120} more characters))`,
            'services.api.healthPath: must start with / (got "health\\u{202E}cod.exe")',
        ],
    },
    {
        title: "several type errors and a missing secret at once",
        mutate: (v) => {
            v.services.api.port = "http";
            v.version = "latest";
        },
        secrets: ["databasePassword", "appSecretKey"],
        problems: [
            'version: must be a semver version such as 1.2.3 (got "latest")',
            'services.api.port: must be a whole number 1-65535 (got "http")',
            "grafanaAdminPassword: missing secret (run: pulumi config set --secret grafanaAdminPassword <value> --stack production)",
        ],
    },
];

describe("config validation", () => {
    for (const stack of ["development", "testing", "production"]) {
        it(`accepts the committed ${stack} stack file`, () => {
            const result = validateStackConfig(stack, { values: stackValues(stack), secrets: ALL_SECRETS });
            expect(result.ok ? [] : result.problems).to.deep.equal([]);
        });
    }

    it("has at least 30 malformed configs below", () => {
        expect(cases.length).to.be.at.least(30);
    });

    for (const c of cases) {
        it(`rejects ${c.title}`, () => {
            const stack = c.stack ?? "production";
            const values = stackValues(c.file ?? (["development", "testing"].includes(stack) ? stack : "production"));
            c.mutate?.(values);
            const raw: RawStackConfig = { values, secrets: new Set(c.secrets ?? ALL_SECRETS) };
            const result = validateStackConfig(stack, raw, { otherStacks: c.others?.() ?? [] });
            expect(result.ok ? [] : result.problems).to.deep.equal(c.problems);
        });
    }

    it("accepts the committed stacks against each other: no host port published twice", () => {
        for (const stack of ["development", "testing", "production"]) {
            const others = ["development", "testing", "production"].filter((s) => s !== stack).map((s) => ({ stack: s, values: stackValues(s) }));
            const result = validateStackConfig(stack, { values: stackValues(stack), secrets: ALL_SECRETS }, { otherStacks: others });
            expect(result.ok ? [] : result.problems, stack).to.deep.equal([]);
        }
    });

    it("accepts a stack of another name mapped explicitly, and the committed stacks without ade:environment", () => {
        const staging = validateStackConfig("staging", { values: stackValues("testing"), secrets: ALL_SECRETS });
        expect(staging.ok && staging.config.environment).to.equal("testing");
        const values = stackValues("production");
        delete values["environment"];
        const production = validateStackConfig("production", { values, secrets: ALL_SECRETS });
        expect(production.ok && production.config.environment).to.equal("production");
    });

    it("declares in Pulumi.yaml no key without a default, so the program's validation answers a missing or mistyped key", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
        const required = Object.entries(project.config).filter(([, declared]) => declared.default === undefined).map(([key]) => key);
        expect(required).to.deep.equal([]);
    });

    it("formats problems one per line with the fix", () => {
        expect(formatProblems("testing", ["version: is required", "monitoring: is required"])).to.equal(
            [
                'Stack "testing" has invalid config (2 problems):',
                "  version: is required",
                "  monitoring: is required",
                "Fix each value with `pulumi config set --path <key> <value> --stack testing` (secrets with --secret), then run the command again.",
            ].join("\n"),
        );
    });
});
