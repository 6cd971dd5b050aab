/**
 * The config schema's section for monitoring and alerting (`monitoring`; see
 * `config/schema.ts` for the whole): Prometheus, Alertmanager and where it
 * posts alerts, Grafana, the exporters and the alert thresholds.
 */
import { z } from "zod";
import { bindAddress, cpus, field, limits, memoryMb, port } from "./schemaFields";

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

export const monitoringSchema = z.strictObject({
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
});
