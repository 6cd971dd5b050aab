/**
 * Prometheus configuration generated from the declared services: every service
 * that exposes metrics is a scrape job, and so is every part of the monitoring
 * stack (Prometheus, Grafana, Alertmanager and the exporters). Alerts go to the
 * stack's Alertmanager; the rules are in monitoring/alertRules.ts.
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
    readonly stack: string;
    readonly environment: string;
    readonly scrapeIntervalSeconds: number;
    /** How often rules are evaluated; the scrape interval when absent. */
    readonly evaluationIntervalSeconds?: number;
    readonly targets: readonly ScrapeTarget[];
    readonly rulesFile: string;
    /** `host:port` of the Alertmanager that receives the alerts. */
    readonly alertmanager: string;
}

export const PROMETHEUS_PORT = 9090;
export const GRAFANA_PORT = 3000;
export const ALERTMANAGER_PORT = 9093;
export const POSTGRES_EXPORTER_PORT = 9187;
export const NODE_EXPORTER_PORT = 9100;

/** The monitoring stack's own parts, each scraped under its service name. */
export const MONITORING_TARGETS: readonly ScrapeTarget[] = [
    { job: "prometheus", address: `localhost:${PROMETHEUS_PORT}`, metricsPath: "/metrics" },
    { job: "grafana", address: `grafana:${GRAFANA_PORT}`, metricsPath: "/metrics" },
    { job: "alertmanager", address: `alertmanager:${ALERTMANAGER_PORT}`, metricsPath: "/metrics" },
    { job: "postgres-exporter", address: `postgres-exporter:${POSTGRES_EXPORTER_PORT}`, metricsPath: "/metrics" },
    { job: "node-exporter", address: `node-exporter:${NODE_EXPORTER_PORT}`, metricsPath: "/metrics" },
];

/**
 * Scrape targets: the declared services that expose metrics, then the
 * monitoring stack, then `extra`: the platform's other parts (the runtime's
 * entry proxy in front of the services).
 */
export function scrapeTargets(
    services: Readonly<Record<string, { port: number; metricsPath: string | null }>>,
    discovery: "static" | "dns" = "static",
    extra: readonly ScrapeTarget[] = [],
): ScrapeTarget[] {
    const fromServices = Object.entries(services)
        .filter((entry): entry is [string, { port: number; metricsPath: string }] => entry[1].metricsPath !== null)
        .map(([name, s]) => ({
            job: name,
            address: `${name}:${s.port}`,
            metricsPath: s.metricsPath,
            ...(discovery === "dns" ? { dns: { name: `tasks.${name}`, port: s.port } } : {}),
        }));
    // One node exporter runs on every host: under DNS discovery, each of them is scraped.
    const monitoring = MONITORING_TARGETS.map((t) =>
        discovery === "dns" && t.job === "node-exporter" ? { ...t, dns: { name: "tasks.node-exporter", port: NODE_EXPORTER_PORT } } : t,
    );
    return [...fromServices, ...monitoring, ...extra];
}

export function prometheusConfig(args: PrometheusConfigArgs): string {
    return stringify({
        global: {
            scrape_interval: `${args.scrapeIntervalSeconds}s`,
            evaluation_interval: `${args.evaluationIntervalSeconds ?? args.scrapeIntervalSeconds}s`,
            external_labels: { project: args.project, stack: args.stack, environment: args.environment },
        },
        alerting: { alertmanagers: [{ static_configs: [{ targets: [args.alertmanager] }] }] },
        rule_files: [args.rulesFile],
        // `service` names the container a series comes from: alerts are grouped and silenced by it.
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
