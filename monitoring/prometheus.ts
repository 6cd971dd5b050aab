/**
 * Prometheus configuration generated from the declared services: every service
 * that exposes metrics is a scrape job, and so are the monitoring components.
 */
import { stringify } from "yaml";

export interface ScrapeTarget {
    /** Job name, also the service's DNS alias on the platform network. */
    readonly job: string;
    /** `host:port` as seen from the Prometheus container. */
    readonly address: string;
    readonly metricsPath: string;
    /** Every instance found through DNS (`tasks.<service>` under Swarm) instead of the one address. */
    readonly dns?: { readonly name: string; readonly port: number };
}

export interface PrometheusConfigArgs {
    readonly project: string;
    readonly environment: string;
    readonly scrapeIntervalSeconds: number;
    readonly targets: readonly ScrapeTarget[];
    readonly rulesFile: string;
}

export interface AlertThresholds {
    readonly errorRatePercent: number;
    readonly restartsPerHour: number;
}

export const PROMETHEUS_PORT = 9090;
export const GRAFANA_PORT = 3000;

/** Scrape targets for the declared services plus Prometheus and Grafana themselves. */
export function scrapeTargets(
    services: Readonly<Record<string, { port: number; metricsPath: string | null }>>,
    discovery: "static" | "dns" = "static",
): ScrapeTarget[] {
    const fromServices = Object.entries(services)
        .filter((entry): entry is [string, { port: number; metricsPath: string }] => entry[1].metricsPath !== null)
        .map(([name, s]) => ({
            job: name,
            address: `${name}:${s.port}`,
            metricsPath: s.metricsPath,
            ...(discovery === "dns" ? { dns: { name: `tasks.${name}`, port: s.port } } : {}),
        }));
    return [
        ...fromServices,
        { job: "prometheus", address: `localhost:${PROMETHEUS_PORT}`, metricsPath: "/metrics" },
        { job: "grafana", address: `grafana:${GRAFANA_PORT}`, metricsPath: "/metrics" },
    ];
}

export function prometheusConfig(args: PrometheusConfigArgs): string {
    const interval = `${args.scrapeIntervalSeconds}s`;
    return stringify({
        global: {
            scrape_interval: interval,
            evaluation_interval: interval,
            external_labels: { project: args.project, environment: args.environment },
        },
        rule_files: [args.rulesFile],
        scrape_configs: args.targets.map((t) =>
            t.dns === undefined
                ? { job_name: t.job, metrics_path: t.metricsPath, static_configs: [{ targets: [t.address], labels: { service: t.job } }] }
                : {
                      job_name: t.job,
                      metrics_path: t.metricsPath,
                      dns_sd_configs: [{ names: [t.dns.name], type: "A", port: t.dns.port, refresh_interval: "5s" }],
                      relabel_configs: [{ target_label: "service", replacement: t.job }],
                  },
        ),
    });
}

export function alertRules(thresholds: AlertThresholds): string {
    const errorRatio = thresholds.errorRatePercent / 100;
    return stringify({
        groups: [
            {
                name: "ade-platform",
                rules: [
                    {
                        alert: "TargetDown",
                        expr: "up == 0",
                        for: "1m",
                        labels: { severity: "critical" },
                        annotations: { summary: "{{ $labels.job }} ({{ $labels.instance }}) is down" },
                    },
                    {
                        alert: "HighErrorRate",
                        expr:
                            'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))' +
                            ` / sum by (job) (rate(http_requests_total[5m])) > ${errorRatio}`,
                        for: "5m",
                        labels: { severity: "warning" },
                        annotations: { summary: `{{ $labels.job }} answers more than ${thresholds.errorRatePercent}% of requests with 5xx` },
                    },
                    {
                        alert: "FrequentRestarts",
                        expr: `changes(process_start_time_seconds[1h]) > ${thresholds.restartsPerHour}`,
                        labels: { severity: "warning" },
                        annotations: { summary: `{{ $labels.job }} restarted more than ${thresholds.restartsPerHour} times in an hour` },
                    },
                ],
            },
        ],
    });
}
