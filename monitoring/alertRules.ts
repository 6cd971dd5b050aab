/**
 * The platform's alert rules, generated per stack: the platform knows its
 * services (their health endpoints and memory limits) and writes rules for
 * exactly those. Every alert carries `severity` (critical inhibits warning in
 * Alertmanager) and `service` (what Alertmanager groups by), and a runbook
 * line naming the `ade` commands that answer it for this stack.
 */
import { stringify } from "yaml";
import type { StackConfig } from "../config/schema";

export interface AlertThresholds {
    readonly errorRatePercent: number;
    readonly restartsPerHour: number;
    /** How long an outage lasts before its alert fires. */
    readonly forSeconds: number;
    readonly memoryPercent: number;
    readonly connectionsPercent: number;
    readonly diskFreePercent: number;
}

export interface AlertRulesArgs {
    /** The stack the rules run in: runbook lines name its commands. */
    readonly stack: string;
    readonly thresholds: AlertThresholds;
    readonly scrapeIntervalSeconds: number;
    /** Application services that count their requests in `http_requests_total{route,status}`, with their health path. */
    readonly healthEndpoints: readonly { readonly service: string; readonly path: string }[];
    /** Every service with a memory limit, as Docker enforces it. */
    readonly memoryLimits: readonly { readonly service: string; readonly memoryMb: number }[];
}

/**
 * What the rules watch in a stack: the health endpoint of every application
 * service that reports its requests, and the memory limit of every service
 * (each named as its containers' `ade.service` label, which is its scrape job).
 */
export function watchedServices(c: StackConfig): Pick<AlertRulesArgs, "healthEndpoints" | "memoryLimits"> {
    const m = c.monitoring;
    return {
        healthEndpoints: Object.entries(c.services)
            .filter(([, s]) => s.metricsPath !== null)
            .map(([service, s]) => ({ service, path: s.healthPath })),
        memoryLimits: [
            ...Object.entries(c.services).map(([service, s]) => ({ service, memoryMb: s.memoryMb })),
            { service: "postgres", memoryMb: c.database.memoryMb },
            { service: "prometheus", memoryMb: m.prometheus.memoryMb },
            { service: "alertmanager", memoryMb: m.alertmanager.memoryMb },
            { service: "grafana", memoryMb: m.grafana.memoryMb },
            { service: "postgres-exporter", memoryMb: m.exporters.memoryMb },
            { service: "node-exporter", memoryMb: m.exporters.memoryMb },
        ],
    };
}

interface Rule {
    readonly alert?: string;
    readonly record?: string;
    readonly expr: string;
    readonly for?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
}

/** Filesystems that are not the host's disks: memory-backed, container layers, pseudo filesystems. */
const REAL_FILESYSTEMS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|proc|sysfs|fuse.*"';

/** The memory each service uses, and its limit, as recorded series `ade:memory_usage_bytes` / `ade:memory_limit_bytes`. */
export function memoryRecordingRules(memoryLimits: AlertRulesArgs["memoryLimits"]): Rule[] {
    return [
        // Every service scraped exports its process's resident memory (each runs one process).
        { record: "ade:memory_usage_bytes", expr: "max by (service) (process_resident_memory_bytes)" },
        // PostgreSQL runs many processes: its container's working set, read from its cgroup by the exporter.
        { record: "ade:memory_usage_bytes", expr: "max(pg_container_memory_working_set_bytes)", labels: { service: "postgres" } },
        ...memoryLimits
            .filter((l) => l.memoryMb > 0)
            .map((l) => ({ record: "ade:memory_limit_bytes", expr: `vector(${l.memoryMb * 1024 * 1024})`, labels: { service: l.service } })),
    ];
}

export function alertRules(args: AlertRulesArgs): string {
    const t = args.thresholds;
    const stack = args.stack;
    const outage = `${t.forSeconds}s`;
    // At least four scrapes in every rate window, so one missed scrape does not empty it.
    const window = `${Math.max(60, 4 * args.scrapeIntervalSeconds)}s`;
    const errorRatio = t.errorRatePercent / 100;
    const rules: Rule[] = [
        {
            alert: "TargetDown",
            expr: "up == 0",
            for: outage,
            labels: { severity: "critical" },
            annotations: {
                summary: "{{ $labels.service }} ({{ $labels.instance }}) is down",
                runbook: `ade status ${stack} shows whether its container runs; ade logs ${stack} {{ $labels.service }} --since 15m shows why it stopped; ade drift ${stack} tells whether it was stopped or removed by hand, and ade deploy ${stack} puts it back`,
            },
        },
        {
            alert: "DatabaseDown",
            expr: "pg_up == 0",
            for: outage,
            labels: { severity: "critical", service: "postgres" },
            annotations: {
                summary: "PostgreSQL does not answer its exporter",
                runbook: `ade logs ${stack} postgres --since 15m shows why; ade status ${stack} shows its container; ade deploy ${stack} recreates a stopped or removed database container (the data volume stays)`,
            },
        },
        {
            alert: "DatabaseConnectionsNearLimit",
            expr: `sum(pg_stat_database_numbackends) / max(pg_settings_max_connections) * 100 > ${t.connectionsPercent}`,
            for: "5m",
            labels: { severity: "warning", service: "postgres" },
            annotations: {
                summary: `PostgreSQL has more than ${t.connectionsPercent}% of max_connections in use ({{ $value | printf "%.0f" }}%)`,
                runbook: `the database dashboard shows connections by database; ade logs ${stack} --since 30m shows which service opens them (a pool that grows or connections left open)`,
            },
        },
        {
            alert: "DiskAlmostFull",
            expr: `node_filesystem_avail_bytes{${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${REAL_FILESYSTEMS}} * 100 < ${t.diskFreePercent}`,
            for: "5m",
            labels: { severity: "critical", service: "host" },
            annotations: {
                summary: `{{ $labels.mountpoint }} has less than ${t.diskFreePercent}% free ({{ $value | printf "%.1f" }}%)`,
                runbook: `the host dashboard shows what grows; docker system df shows images, volumes and logs; database backups pile up in the backup directory (database.backup.retention)`,
            },
        },
        {
            alert: "DiskFillingUp",
            expr:
                `predict_linear(node_filesystem_avail_bytes{${REAL_FILESYSTEMS}}[6h], 24 * 3600) < 0` +
                ` and node_filesystem_avail_bytes{${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${REAL_FILESYSTEMS}} * 100 < 40`,
            for: "30m",
            labels: { severity: "warning", service: "host" },
            annotations: {
                summary: "{{ $labels.mountpoint }} fills up within a day at the rate of the last 6 hours",
                runbook: `the host dashboard shows the trend; docker system df shows images, volumes and logs on this host`,
            },
        },
        {
            alert: "MemoryNearLimit",
            expr: `ade:memory_usage_bytes / on (service) ade:memory_limit_bytes * 100 > ${t.memoryPercent}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service }} uses more than ${t.memoryPercent}% of its memory limit ({{ $value | printf "%.0f" }}%)`,
                runbook: `Docker kills the container at its limit; ade status ${stack} shows restarts; raise the service's memoryMb in the stack config, or find the leak with ade logs ${stack} {{ $labels.service }}`,
            },
        },
        ...args.healthEndpoints.map(
            (h): Rule => ({
                alert: "HealthEndpointFailing",
                expr:
                    `sum by (service) (rate(http_requests_total{service="${h.service}",route="${h.path}",status!~"2.."}[${window}]))` +
                    ` / sum by (service) (rate(http_requests_total{service="${h.service}",route="${h.path}"}[${window}])) > 0.5`,
                for: outage,
                labels: { severity: "critical", service: h.service },
                annotations: {
                    summary: `${h.service} answers most requests to its health endpoint ${h.path} with an error`,
                    runbook: `curl the service's ${h.path} (ade status ${stack} lists its health); ade logs ${stack} ${h.service} --level warn --since 15m shows the failures`,
                },
            }),
        ),
        {
            alert: "ScrapeGaps",
            // Two separate gaps or more (each is a fall and a rise of `up`): one outage is TargetDown's.
            expr: "changes(up[10m]) >= 4",
            labels: { severity: "warning" },
            annotations: {
                summary: "scraping {{ $labels.service }} failed now and then: {{ $value }} ups and downs in 10 minutes",
                runbook: `the service answers its metrics endpoint slowly or restarts: ade status ${stack} shows restarts, ade logs ${stack} {{ $labels.service }} --since 15m the reason`,
            },
        },
        {
            alert: "HighErrorRate",
            expr: `sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > ${errorRatio}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service }} answers more than ${t.errorRatePercent}% of requests with 5xx`,
                runbook: `ade logs ${stack} {{ $labels.service }} --level error --since 15m shows the failing requests; ade history ${stack} shows what was deployed last`,
            },
        },
        {
            alert: "FrequentRestarts",
            expr: `changes(process_start_time_seconds[1h]) > ${t.restartsPerHour}`,
            labels: { severity: "warning" },
            annotations: {
                summary: `{{ $labels.service }} restarted more than ${t.restartsPerHour} times in an hour`,
                runbook: `ade logs ${stack} {{ $labels.service }} --since 1h shows each start and what ended the one before; MemoryNearLimit fires too when Docker kills it for memory`,
            },
        },
        {
            alert: "AlertDeliveryFailing",
            expr: "sum by (service, integration) (rate(alertmanager_notifications_failed_total[5m])) > 0",
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Alertmanager fails to deliver notifications to its {{ $labels.integration }} receiver",
                runbook: `ade logs ${stack} alertmanager --since 30m shows the error; check monitoring.alertmanager.webhook and the secret alertWebhookToken of ${stack}`,
            },
        },
    ];
    return stringify({
        groups: [
            { name: "ade-memory", rules: memoryRecordingRules(args.memoryLimits) },
            { name: "ade-platform", rules },
        ],
    });
}
