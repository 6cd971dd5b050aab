/**
 * The dashboards Grafana is provisioned with: the platform (every service),
 * the database (PostgreSQL through its exporter) and the host (node exporter).
 * Queries are plain PromQL, with no Grafana variables, so the unit tests parse
 * every one with promtool and the end-to-end suite runs them against Prometheus.
 * The host dashboard has no network panel: the exporter runs in its own
 * network namespace (not the host's), so it would show its own traffic.
 */

export interface Query {
    readonly expr: string;
    readonly legend: string;
}

export interface Panel {
    readonly title: string;
    readonly unit: string;
    readonly queries: readonly Query[];
}

export interface Dashboard {
    readonly uid: string;
    readonly title: string;
    readonly panels: readonly Panel[];
}

const one = (title: string, unit: string, expr: string, legend: string): Panel => ({ title, unit, queries: [{ expr, legend }] });

const HOST_FILESYSTEMS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|proc|sysfs|fuse.*"';

export const DASHBOARDS: Readonly<Record<"platform" | "database" | "host", Dashboard>> = {
    platform: {
        uid: "ade-platform",
        title: "ADE Platform",
        panels: [
            one("Up", "none", "up", "{{service}}"),
            one("Request rate", "reqps", "sum by (service) (rate(http_requests_total[1m]))", "{{service}}"),
            one("Latency p95", "s", "histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))", "{{service}}"),
            one("Errors (5xx rate)", "reqps", 'sum by (service) (rate(http_requests_total{status=~"5.."}[1m]))', "{{service}}"),
            one("Memory, share of the limit", "percentunit", "ade:memory_usage_bytes / on (service) ade:memory_limit_bytes", "{{service}}"),
            one("Firing alerts", "none", 'count by (alertname, service) (ALERTS{alertstate="firing"})', "{{alertname}} {{service}}"),
        ],
    },
    database: {
        uid: "ade-database",
        title: "ADE Database",
        panels: [
            one("PostgreSQL up", "none", "pg_up", "up"),
            {
                title: "Connections",
                unit: "none",
                queries: [
                    { expr: "sum by (datname) (pg_stat_database_numbackends)", legend: "{{datname}}" },
                    { expr: "max(pg_settings_max_connections)", legend: "max_connections" },
                ],
            },
            {
                title: "Transactions",
                unit: "ops",
                queries: [
                    { expr: "sum(rate(pg_stat_database_xact_commit[1m]))", legend: "commits" },
                    { expr: "sum(rate(pg_stat_database_xact_rollback[1m]))", legend: "rollbacks" },
                ],
            },
            {
                title: "Rows",
                unit: "rps",
                queries: [
                    { expr: "sum(rate(pg_stat_database_tup_fetched[1m]))", legend: "fetched" },
                    { expr: "sum(rate(pg_stat_database_tup_inserted[1m]) + rate(pg_stat_database_tup_updated[1m]) + rate(pg_stat_database_tup_deleted[1m]))", legend: "written" },
                ],
            },
            one("Cache hit ratio", "percentunit", "sum(rate(pg_stat_database_blks_hit[5m])) / clamp_min(sum(rate(pg_stat_database_blks_hit[5m])) + sum(rate(pg_stat_database_blks_read[5m])), 1e-9)", "hits"),
            one("Database size", "bytes", "pg_database_size_bytes", "{{datname}}"),
            one("Locks", "none", "sum by (mode) (pg_locks_count)", "{{mode}}"),
            one("Deadlocks and conflicts", "ops", "sum(rate(pg_stat_database_deadlocks[5m])) + sum(rate(pg_stat_database_conflicts[5m]))", "per second"),
            {
                title: "Memory of the database container",
                unit: "bytes",
                queries: [
                    { expr: 'ade:memory_usage_bytes{service="postgres"}', legend: "working set" },
                    { expr: 'ade:memory_limit_bytes{service="postgres"}', legend: "limit" },
                ],
            },
        ],
    },
    host: {
        uid: "ade-host",
        title: "ADE Host",
        panels: [
            one("CPU busy", "percentunit", 'avg(1 - rate(node_cpu_seconds_total{mode="idle"}[1m]))', "busy"),
            {
                title: "Load",
                unit: "none",
                queries: [
                    { expr: "node_load1", legend: "1m" },
                    { expr: "node_load5", legend: "5m" },
                    { expr: 'count(node_cpu_seconds_total{mode="idle"})', legend: "CPUs" },
                ],
            },
            {
                title: "Memory",
                unit: "bytes",
                queries: [
                    { expr: "node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes", legend: "used" },
                    { expr: "node_memory_MemTotal_bytes", legend: "total" },
                ],
            },
            one("Free disk space", "percentunit", `node_filesystem_avail_bytes{${HOST_FILESYSTEMS}} / node_filesystem_size_bytes{${HOST_FILESYSTEMS}}`, "{{mountpoint}}"),
            {
                title: "Disk I/O",
                unit: "Bps",
                queries: [
                    { expr: "sum by (device) (rate(node_disk_read_bytes_total[1m]))", legend: "{{device}} read" },
                    { expr: "sum by (device) (rate(node_disk_written_bytes_total[1m]))", legend: "{{device}} written" },
                ],
            },
        ],
    },
};
