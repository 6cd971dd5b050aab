/**
 * The single source of truth for every stack's configuration: types, defaults,
 * descriptions and which keys belong to one environment only.
 *
 * Every Pulumi config key of the project (`ade:<key>`) is one top-level field of
 * `stackConfigSchema`, except the secrets, which are listed in `SECRET_KEYS` and
 * never pass through this schema: their values stay `pulumi.Output` secrets.
 *
 * This module is the root object: every top-level key with its description, and
 * the rules that span sections. The sections' shapes live beside it
 * (`applicationSchema.ts`, `monitoringSchema.ts`, `deploymentSchema.ts`, built
 * from `schemaFields.ts`); everything is imported from here.
 */
import * as semver from "semver";
import { z } from "zod";
import { databaseSchema, serviceSchema } from "./applicationSchema";
import { dockerHostSchema, healthCheckSchema, imagesSchema, registrySchema, releasesSchema, runtimeSchema, swarmSchema } from "./deploymentSchema";
import { monitoringSchema } from "./monitoringSchema";
import { field, port } from "./schemaFields";

export { staysInside } from "./applicationSchema";
export { RUNTIMES } from "./deploymentSchema";
export { fieldMeta, type FieldMeta } from "./schemaFields";
export { OPTIONAL_SECRET_KEY_NAMES, OPTIONAL_SECRET_KEYS, type OptionalSecretKey, SECRET_KEY_NAMES, SECRET_KEYS, SECRET_LOOKING_NAME, type SecretKey } from "./secretKeys";

export const ENVIRONMENTS = ["development", "testing", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

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
        images: field(imagesSchema, { description: "images the platform runs; a machine without a registry points these at locally built images", envSpecific: true }),
        services: field(z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { error: "must be a lowercase name like api" }), serviceSchema), {
            description: "the application's services",
        }),
        database: field(databaseSchema, { description: "the PostgreSQL database" }),
        monitoring: field(monitoringSchema, { description: "Prometheus, Alertmanager, Grafana and the exporters" }),
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
        runtime: field(runtimeSchema, {
            description: "what runs the services: containers on one Docker engine (a fast single-host loop) or Docker Swarm (replicas, several nodes, updates without downtime)",
            envSpecific: true,
        }),
        swarm: field(swarmSchema, {
            description:
                "the swarm runtime: how long an update watches a new task before Swarm rolls a failure back, how long the application drains on stop, the node label (true) of the node that holds the database's volume, and whether the stack's overlay networks encrypt traffic between nodes (IPsec; the nodes' kernels need ESP)",
            envSpecific: true,
        }),
        dockerHost: field(dockerHostSchema, {
            description:
                "the Docker engine the stack deploys to (for the swarm runtime, a Swarm manager); the local engine, or DOCKER_HOST, when absent. Its published ports must be reachable at healthCheck.address from where the deploy runs",
            envSpecific: true,
        }),
        registry: field(registrySchema, {
            description:
                "where `ade release` pushes the application's images and where stacks pull them from, pinned by digest; absent, released images stay on the Docker host that made them. A password goes in the secret registryPassword",
        }),
        releases: field(releasesSchema, {
            description: "how many of the newest releases `ade release` keeps (images locally and in the registry); never one a stack runs or could roll back to",
        }),
        healthCheck: field(healthCheckSchema, { description: "health verification after every update" }),
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
