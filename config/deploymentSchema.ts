/**
 * The config schema's sections for how a stack is deployed (see
 * `config/schema.ts` for the whole): what runs the services (`runtime`,
 * `swarm`) and on which engine (`dockerHost`), the images it runs (`images`),
 * the registry and the releases `ade release` keeps (`registry`, `releases`),
 * and how an update is verified (`healthCheck`).
 */
import { z } from "zod";
import { bindAddress, field, imageRef } from "./schemaFields";

export const RUNTIMES = ["containers", "swarm"] as const;

export const runtimeSchema = z.enum(RUNTIMES, { error: `must be one of ${RUNTIMES.join(", ")}` }).default("containers");

export const swarmSchema = z
    .strictObject({
        updateMonitorSeconds: z.number().int().min(1, { error: "must be at least 1 second" }).max(120, { error: "must be at most 120 seconds" }).default(10),
        drainSeconds: z.number().int().min(0, { error: "must be 0 or more seconds" }).max(30, { error: "must be at most 30 seconds" }).default(20),
        dataNodeLabel: z
            .string()
            .regex(/^[a-z][a-z0-9._-]{0,62}$/, { error: "must be a node label name such as ade.data" })
            .default("ade.data"),
        // Docker encrypts an overlay network's traffic between nodes with IPsec (the kernel's ESP): on by default.
        encryptedNetworks: z.boolean({ error: "must be true or false" }).default(true),
    })
    .prefault({});

export const dockerHostSchema = z
    .string()
    .regex(/^(unix|tcp|ssh):\/\/\S+$/, { error: "must be a Docker host such as unix:///var/run/docker.sock, tcp://10.0.0.2:2376 or ssh://deploy@manager" })
    .optional();

export const imagesSchema = z
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
    .prefault({});

export const registrySchema = z
    .strictObject({
        address: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
            error: "must be a registry address such as 127.0.0.1:5000 or ghcr.io/acme",
        }),
        username: z.string().min(1).optional(),
    })
    .optional();

export const releasesSchema = z
    .strictObject({
        keep: z.number().int({ error: "must be a whole number" }).min(1, { error: "must keep at least 1 release" }).default(10),
    })
    .prefault({});

export const healthCheckSchema = z
    .strictObject({
        deadlineSeconds: z.number().int().min(1, { error: "must be at least 1 second" }).default(120),
        // A round of loopback requests: cheap, and a shorter wait after the last service turns healthy.
        intervalSeconds: z.number().min(0.1, { error: "must be at least 0.1 seconds" }).default(1),
        requestTimeoutSeconds: z.number().min(0.1, { error: "must be at least 0.1 seconds" }).default(3),
        address: field(bindAddress().default("127.0.0.1"), {
            description: "address the services' published ports are probed at from where the deploy runs (the Docker host's, for a remote one)",
            envSpecific: true,
        }),
    })
    .prefault({});
