/**
 * The single source of truth for every stack's configuration: types, defaults,
 * descriptions and which keys belong to one environment only.
 *
 * Every Pulumi config key of the project (`ade:<key>`) is one top-level field of
 * `stackConfigSchema`, except the secrets, which are listed in `SECRET_KEYS` and
 * never pass through this schema: their values stay `pulumi.Output` secrets.
 */
import * as path from "path";
import * as semver from "semver";
import { z } from "zod";
import { bindAddress, cpus, field, imageRef, limits, memoryMb, port } from "./schemaFields";

export { fieldMeta, type FieldMeta } from "./schemaFields";
export { OPTIONAL_SECRET_KEY_NAMES, OPTIONAL_SECRET_KEYS, type OptionalSecretKey, SECRET_KEY_NAMES, SECRET_KEYS, SECRET_LOOKING_NAME, type SecretKey } from "./secretKeys";

export const ENVIRONMENTS = ["development", "testing", "production"] as const;

export const RUNTIMES = ["containers", "swarm"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Whether a relative path stays inside the folder it is relative to (no absolute path, no `..` that leaves it). */
export function staysInside(relative: string): boolean {
    if (relative.includes("\0") || path.isAbsolute(relative) || path.win32.isAbsolute(relative)) return false;
    const normal = path.posix.normalize(relative.replace(/\\/g, "/"));
    return normal !== ".." && !normal.startsWith("../");
}

/**
 * Where Alertmanager posts alerts: an http(s) URL it can reach from its
 * container, with no credentials in it. Alertmanager 0.25 prints the whole URL
 * with every failed delivery, so a token goes in the secret `alertWebhookToken`.
 */
const webhookUrl = () =>
    z
        .string()
        .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), { error: "must be an http:// or https:// URL" })
        .refine((u) => !URL.canParse(u) || (new URL(u).username === "" && new URL(u).password === "" && !/(token|key|secret|password)=/i.test(new URL(u).search)), {
            error: "must carry no credentials (Alertmanager logs the URL with every failed delivery): put the token in the secret alertWebhookToken instead",
        })
        .refine((u) => !URL.canParse(u) || !["localhost", "127.0.0.1", "[::1]"].includes(new URL(u).hostname), {
            error: "must be reachable from Alertmanager's container; loopback there is the container itself",
        });

const serviceSchema = z
    .strictObject({
        image: field(imageRef().optional(), { description: "prebuilt image to run; when absent the service is built from `build`" }),
        build: field(
            z
                .strictObject({
                    context: z
                        .string()
                        .min(1, { error: "must be a directory path" })
                        .refine(staysInside, { error: "must be a folder inside the project, relative to it (such as app)" }),
                    dockerfile: z.string().refine(staysInside, { error: "must be a file inside the build context, relative to it (such as Dockerfile)" }).optional(),
                    args: z.record(z.string(), z.string()).default({}),
                })
                .optional(),
            {
                description:
                    "local build context: the stack builds the service from source on every update (development's inner loop), and `ade release` builds it once for the other stacks",
                envSpecific: true,
            },
        ),
        port: field(port().default(8080), { description: "port the service listens on inside its container" }),
        hostPort: field(port(), { description: "host port the service is published on", envSpecific: true }),
        bindAddress: field(bindAddress().default("127.0.0.1"), { description: "host address the port is published on", envSpecific: true }),
        public: field(z.boolean().default(false), { description: "whether this service is the application's public entry" }),
        healthPath: field(z.string().startsWith("/", { error: "must start with /" }).default("/health"), { description: "HTTP liveness endpoint probed after every update" }),
        readyPath: field(z.string().startsWith("/", { error: "must start with /" }).nullable().default("/ready"), {
            description: "HTTP readiness endpoint (its dependencies reachable) probed after every update; null when the service has none",
        }),
        metricsPath: field(z.string().startsWith("/", { error: "must start with /" }).nullable().default("/metrics"), {
            description: "Prometheus metrics endpoint; null when the service exposes none",
        }),
        database: field(z.boolean().default(false), { description: "whether the service connects to the database (its password arrives as a file)" }),
        secrets: field(z.array(z.enum(["appSecretKey"], { error: "must be appSecretKey" })).default([]), {
            description: "secrets delivered to the service as files under /run/secrets",
        }),
        env: field(z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name like LOG_FORMAT" }), z.string()).default({}), {
            description: "extra non-secret environment variables",
        }),
        replicas: field(z.number().int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" }).max(20, { error: "must be at most 20" }).default(1), {
            description: "instances of the service running at once (the swarm runtime; the containers runtime runs one)",
            envSpecific: true,
        }),
        ...limits,
    })
    .refine((s) => s.image === undefined || s.build === undefined, {
        error: "takes `image` or `build`, not both (with neither it runs the image `ade release` made of it for the stack's version)",
    });

export const stackConfigSchema = z
    .strictObject({
        environment: field(z.enum(ENVIRONMENTS, { error: `must be one of ${ENVIRONMENTS.join(", ")}` }), {
            description: "which environment this stack is",
            envSpecific: true,
        }),
        version: field(
            z.string().refine((v) => semver.valid(v) !== null, { error: "must be a semver version such as 1.2.3" }),
            { description: "release version of the platform; application images are tagged with it" },
        ),
        images: field(
            z
                .strictObject({
                    appBase: imageRef().default("node:22-bookworm-slim"),
                    postgres: imageRef().default("postgres:15.8-bookworm"),
                    prometheus: imageRef().default("prom/prometheus:v2.53.2"),
                    grafana: imageRef().default("grafana/grafana:11.2.2"),
                    dbAdmin: imageRef().default("adminer:4.8.1"),
                    proxy: imageRef().default("haproxy:2.6.12"),
                    alertmanager: imageRef().default("prom/alertmanager:v0.25.0"),
                    postgresExporter: imageRef().default("quay.io/prometheuscommunity/postgres-exporter:v0.11.1"),
                    nodeExporter: imageRef().default("prom/node-exporter:v1.5.0"),
                })
                .prefault({}),
            { description: "images the platform runs; a machine without a registry points these at locally built images", envSpecific: true },
        ),
        services: field(z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "must be a lowercase name like api" }), serviceSchema), {
            description: "the application's services",
        }),
        database: field(
            z
                .strictObject({
                    name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a lowercase SQL identifier" }).default("ade"),
                    user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a lowercase SQL identifier" }).default("ade"),
                    hostPort: field(port().optional(), { description: "loopback port for debugging; development only", envSpecific: true }),
                    backup: field(
                        z
                            .strictObject({
                                enabled: z.boolean().default(false),
                                retention: z.number().int().min(1, { error: "must keep at least 1 backup" }).default(7),
                                directory: z.string().min(1).default("backups"),
                            })
                            .prefault({}),
                        { description: "pg_dump before every update that touches the database", envSpecific: true },
                    ),
                    retainVolumeOnDestroy: field(z.boolean().default(false), {
                        description: "keep the data volume when the stack is destroyed",
                        envSpecific: true,
                    }),
                    ...limits,
                })
                .prefault({}),
            { description: "the PostgreSQL database" },
        ),
        monitoring: field(
            z
                .strictObject({
                    prometheus: z.strictObject({
                        hostPort: field(port(), { description: "host port of Prometheus", envSpecific: true }),
                        bindAddress: field(bindAddress().default("127.0.0.1"), { description: "host address Prometheus is published on", envSpecific: true }),
                        retentionDays: field(z.number().int().min(1, { error: "must be at least 1 day" }).default(15), {
                            description: "days of metrics kept",
                            envSpecific: true,
                        }),
                        scrapeIntervalSeconds: z.number().int().min(1, { error: "must be at least 1 second" }).default(15),
                        evaluationIntervalSeconds: field(z.number().int().min(1, { error: "must be at least 1 second" }).optional(), {
                            description: "how often alert rules are evaluated; the scrape interval when absent",
                        }),
                        ...limits,
                    }),
                    alertmanager: z.strictObject({
                        hostPort: field(port(), { description: "loopback port of Alertmanager's API (ade status, amtool)", envSpecific: true }),
                        webhook: field(
                            z
                                .strictObject({
                                    url: webhookUrl(),
                                    sendResolved: z.boolean().default(true),
                                })
                                .optional(),
                            {
                                description:
                                    "the receiver alerts are posted to (testing and production need one); absent, alerts stay in Prometheus and Alertmanager. A token goes in the secret alertWebhookToken",
                                envSpecific: true,
                            },
                        ),
                        groupWaitSeconds: field(z.number().int().min(0, { error: "must be 0 or more seconds" }).default(30), {
                            description: "how long the first alert of a service waits for others before a notification goes out",
                        }),
                        groupIntervalSeconds: field(z.number().int().min(1, { error: "must be at least 1 second" }).default(300), {
                            description: "how long before a service's changed alerts (new, resolved) are sent again",
                        }),
                        repeatIntervalMinutes: field(z.number().int().min(1, { error: "must be at least 1 minute" }).default(240), {
                            description: "how long before a still-firing alert is sent again",
                        }),
                        ...limits,
                    }),
                    exporters: field(
                        z
                            .strictObject({
                                memoryMb: field(memoryMb().default(64), { description: "memory limit of each exporter in MiB; 0 means no limit", envSpecific: true }),
                                cpus: field(cpus().default(0.25), { description: "CPU limit of each exporter in CPUs; 0 means no limit", envSpecific: true }),
                            })
                            .prefault({}),
                        { description: "the PostgreSQL and host (node) exporters" },
                    ),
                    grafana: z.strictObject({
                        hostPort: field(port(), { description: "host port of Grafana", envSpecific: true }),
                        bindAddress: field(bindAddress().default("127.0.0.1"), { description: "host address Grafana is published on", envSpecific: true }),
                        anonymousAccess: field(z.boolean().default(false), { description: "let visitors view dashboards without logging in", envSpecific: true }),
                        ...limits,
                    }),
                    alerts: z
                        .strictObject({
                            errorRatePercent: z.number().gt(0, { error: "must be more than 0" }).max(100, { error: "must be at most 100" }).default(5),
                            restartsPerHour: z.number().int().min(1, { error: "must be at least 1" }).default(3),
                            forSeconds: field(z.number().int().min(0, { error: "must be 0 or more seconds" }).default(60), {
                                description: "how long an outage (a target, the database or a health endpoint down) lasts before its alert fires",
                            }),
                            memoryPercent: field(z.number().gt(0, { error: "must be more than 0" }).max(100, { error: "must be at most 100" }).default(90), {
                                description: "share of its memory limit a service may use before an alert",
                            }),
                            connectionsPercent: field(z.number().gt(0, { error: "must be more than 0" }).max(100, { error: "must be at most 100" }).default(80), {
                                description: "share of PostgreSQL's max_connections in use before an alert",
                            }),
                            diskFreePercent: field(z.number().gt(0, { error: "must be more than 0" }).max(100, { error: "must be at most 100" }).default(10), {
                                description: "free space of a host filesystem (Docker's volumes included) below which an alert fires",
                            }),
                        })
                        .prefault({}),
                }),
            { description: "Prometheus, Alertmanager, Grafana and the exporters" },
        ),
        debug: field(
            z
                .strictObject({
                    logLevel: z.enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error" }).default("info"),
                    endpoints: z.boolean().default(false),
                    dbAdmin: z
                        .strictObject({
                            enabled: z.boolean().default(false),
                            hostPort: port().default(8081),
                        })
                        .prefault({}),
                })
                .prefault({}),
            { description: "debugging tools and features (development only)", envSpecific: true },
        ),
        security: field(
            z
                .strictObject({
                    hardened: z.boolean().default(false),
                })
                .prefault({}),
            { description: "read-only root filesystems, no-new-privileges, dropped capabilities, non-root users", envSpecific: true },
        ),
        logging: field(
            z
                .strictObject({
                    maxSizeMb: z.number().int().min(1, { error: "must be at least 1 MiB" }).default(10),
                    maxFiles: z.number().int().min(1, { error: "must be at least 1 file" }).default(3),
                })
                .prefault({}),
            { description: "json-file log rotation of every container" },
        ),
        runtime: field(z.enum(RUNTIMES, { error: `must be one of ${RUNTIMES.join(", ")}` }).default("containers"), {
            description: "what runs the services: containers on one Docker engine (a fast single-host loop) or Docker Swarm (replicas, several nodes, updates without downtime)",
            envSpecific: true,
        }),
        swarm: field(
            z
                .strictObject({
                    updateMonitorSeconds: z.number().int().min(1, { error: "must be at least 1 second" }).max(120, { error: "must be at most 120 seconds" }).default(10),
                    drainSeconds: z.number().int().min(0, { error: "must be 0 or more seconds" }).max(30, { error: "must be at most 30 seconds" }).default(3),
                    dataNodeLabel: z
                        .string()
                        .regex(/^[a-z][a-z0-9._-]{0,62}$/, { error: "must be a node label name such as ade.data" })
                        .default("ade.data"),
                })
                .prefault({}),
            {
                description:
                    "the swarm runtime: how long an update watches a new task before Swarm rolls a failure back, how long the application drains on stop, and the node label (true) of the node that holds the database's volume",
                envSpecific: true,
            },
        ),
        dockerHost: field(
            z
                .string()
                .regex(/^(unix|tcp|ssh):\/\/\S+$/, { error: "must be a Docker host such as unix:///var/run/docker.sock, tcp://10.0.0.2:2376 or ssh://deploy@manager" })
                .optional(),
            {
                description:
                    "the Docker engine the stack deploys to (for the swarm runtime, a Swarm manager); the local engine, or DOCKER_HOST, when absent. Its published ports must be reachable at healthCheck.address from where the deploy runs",
                envSpecific: true,
            },
        ),
        registry: field(
            z
                .strictObject({
                    address: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
                        error: "must be a registry address such as 127.0.0.1:5000 or ghcr.io/acme",
                    }),
                    username: z.string().min(1).optional(),
                })
                .optional(),
            {
                description:
                    "where `ade release` pushes the application's images and where stacks pull them from, pinned by digest; absent, released images stay on the Docker host that made them. A password goes in the secret registryPassword",
            },
        ),
        releases: field(
            z
                .strictObject({
                    keep: z.number().int({ error: "must be a whole number" }).min(1, { error: "must keep at least 1 release" }).default(10),
                })
                .prefault({}),
            { description: "how many of the newest releases `ade release` keeps (images locally and in the registry); never one a stack runs or could roll back to" },
        ),
        healthCheck: field(
            z
                .strictObject({
                    deadlineSeconds: z.number().int().min(1, { error: "must be at least 1 second" }).default(120),
                    intervalSeconds: z.number().min(0.1, { error: "must be at least 0.1 seconds" }).default(2),
                    requestTimeoutSeconds: z.number().min(0.1, { error: "must be at least 0.1 seconds" }).default(3),
                    address: field(bindAddress().default("127.0.0.1"), {
                        description: "address the services' published ports are probed at from where the deploy runs (the Docker host's, for a remote one)",
                        envSpecific: true,
                    }),
                })
                .prefault({}),
            { description: "health verification after every update" },
        ),
    })
    .superRefine((c, ctx) => {
        const publicServices = Object.entries(c.services).filter(([, s]) => s.public);
        if (Object.keys(c.services).length === 0) {
            ctx.addIssue({ code: "custom", path: ["services"], message: "must declare at least one service", input: c.services });
        }
        if (publicServices.length > 1) {
            ctx.addIssue({
                code: "custom",
                path: ["services"],
                message: `must have at most one public service (got ${publicServices.map(([n]) => n).join(", ")})`,
            });
        }
        if (c.runtime === "containers") {
            for (const [name, s] of Object.entries(c.services)) {
                if (s.replicas > 1) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["services", name, "replicas"],
                        message: `is more than 1, which only the swarm runtime runs (set runtime to swarm, or replicas to 1) (got ${s.replicas})`,
                        input: s.replicas,
                    });
                }
            }
        }
        if (c.environment !== "development" && c.database.hostPort !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["database", "hostPort"],
                message: `is development only: the ${c.environment} database is reachable from its network alone (remove it)`,
                input: c.database.hostPort,
            });
        }
        if (c.environment !== "development" && c.monitoring.alertmanager.webhook === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["monitoring", "alertmanager", "webhook"],
                message: `is required in ${c.environment}, where alerts must reach someone: pulumi config set --path monitoring.alertmanager.webhook.url <https://receiver/path>`,
            });
        }
        const used = new Map<number, string>();
        for (const [key, hostPort] of publishedPorts(c)) {
            const other = used.get(hostPort);
            if (other !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: key.split("."),
                    message: `clashes with ${other} (both ${hostPort})`,
                    input: hostPort,
                });
            }
            used.set(hostPort, key);
        }
    });

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ServiceConfig = StackConfig["services"][string];

/** Every host port the stack publishes, keyed by the config path that sets it. */
export function publishedPorts(c: Pick<StackConfig, "services" | "database" | "monitoring" | "debug">): [string, number][] {
    const ports: [string, number][] = Object.entries(c.services).map(([name, s]) => [`services.${name}.hostPort`, s.hostPort]);
    if (c.database.hostPort !== undefined) ports.push(["database.hostPort", c.database.hostPort]);
    ports.push(["monitoring.prometheus.hostPort", c.monitoring.prometheus.hostPort]);
    ports.push(["monitoring.grafana.hostPort", c.monitoring.grafana.hostPort]);
    ports.push(["monitoring.alertmanager.hostPort", c.monitoring.alertmanager.hostPort]);
    if (c.debug.dbAdmin.enabled) ports.push(["debug.dbAdmin.hostPort", c.debug.dbAdmin.hostPort]);
    return ports;
}

/** Top-level keys whose stack value is a plain string (the rest are JSON). */
export const STRING_KEYS: ReadonlySet<string> = new Set(["environment", "version", "runtime", "dockerHost"]);

export const CONFIG_KEYS: readonly string[] = Object.keys(stackConfigSchema.shape);
