/**
 * The building blocks every section of the config schema (`config/schema.ts`)
 * is made of: the `fieldMeta` registry that carries descriptions and the
 * environment-specific mark, and the value types several sections share, so a
 * port or a memory limit is checked, and its error worded, one way everywhere.
 */
import { z } from "zod";

/** What the promotion tool and the docs need to know about a field. */
export interface FieldMeta {
    readonly description: string;
    /**
     * True when the value describes one environment (published ports, limits,
     * access settings) and must never be copied from one stack to another.
     */
    readonly envSpecific?: boolean;
}

export const fieldMeta = z.registry<FieldMeta>();

export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
    fieldMeta.add(schema, meta);
    return schema;
}

export const port = () => z.number({ error: "must be a whole number 1-65535" }).int({ error: "must be a whole number 1-65535" }).min(1, { error: "must be 1-65535" }).max(65535, { error: "must be 1-65535" });
export const bindAddress = () => z.ipv4({ error: "must be an IPv4 address such as 127.0.0.1" });
export const memoryMb = () => z.number().int({ error: "must be a whole number of MiB" }).min(0, { error: "must be 0 (no limit) or more MiB" });
export const cpus = () => z.number().min(0, { error: "must be 0 (no limit) or a positive number of CPUs" }).max(64, { error: "must be at most 64 CPUs" });

/** A Docker image reference: `name[:tag][@digest]`. */
export const imageRef = () =>
    z.string().regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/, {
        error: "must be a Docker image reference such as postgres:15.8",
    });

/** The memory and CPU limits of one container (a service, the database, Prometheus, Alertmanager, Grafana). */
export const limits = {
    memoryMb: field(memoryMb().default(256), { description: "memory limit in MiB; 0 means no limit", envSpecific: true }),
    cpus: field(cpus().default(0.5), { description: "CPU limit in CPUs; 0 means no limit", envSpecific: true }),
};
