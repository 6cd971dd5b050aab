/**
 * The config schema's sections for what the application runs (see
 * `config/schema.ts` for the whole): its services (`services.<name>`) and its
 * PostgreSQL database (`database`).
 */
import * as path from "path";
import { z } from "zod";
import { bindAddress, field, imageRef, limits, port } from "./schemaFields";

/** Whether a relative path stays inside the folder it is relative to (no absolute path, no `..` that leaves it). */
export function staysInside(relative: string): boolean {
    if (relative.includes("\0") || path.isAbsolute(relative) || path.win32.isAbsolute(relative)) return false;
    const normal = path.posix.normalize(relative.replace(/\\/g, "/"));
    return normal !== ".." && !normal.startsWith("../");
}

export const serviceSchema = z
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

export const databaseSchema = z
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
    .prefault({});
