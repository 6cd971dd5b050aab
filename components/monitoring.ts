import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { dashboardProvisioning, datasourceProvisioning, platformDashboard } from "../monitoring/grafana";
import { AlertThresholds, alertRules, GRAFANA_PORT, prometheusConfig, PROMETHEUS_PORT, ScrapeTarget } from "../monitoring/prometheus";
import type { Runtime } from "./runtime";
import { dockerLabels, FILES_DIR, PublishedPort, SECRETS_DIR, WorkloadDefaults } from "./workload";

const PROMETHEUS_CONFIG = `${FILES_DIR}/prometheus/prometheus.yml`;
const RULES_FILE = `${FILES_DIR}/prometheus/rules.yml`;
const GRAFANA_PROVISIONING = `${FILES_DIR}/grafana/provisioning`;
const GRAFANA_DASHBOARDS = `${FILES_DIR}/grafana/dashboards`;
const GRAFANA_PASSWORD_FILE = `${SECRETS_DIR}/grafana-admin-password`;

interface Limits {
    readonly memoryMb: number;
    readonly cpus: number;
}

export interface MonitoringArgs extends WorkloadDefaults {
    /** Prefix of every Docker name, `<project>-<stack>`. */
    readonly prefix: string;
    /** What runs Prometheus and Grafana. */
    readonly runtime: Runtime;
    readonly project: string;
    readonly environment: string;
    readonly images: { readonly prometheus: pulumi.Input<string>; readonly grafana: pulumi.Input<string> };
    /** The network the scraped services are on. */
    readonly networkName: pulumi.Input<string>;
    /** What Prometheus scrapes; see `scrapeTargets`. */
    readonly targets: readonly ScrapeTarget[];
    readonly alerts: AlertThresholds;
    readonly prometheus: Limits & {
        readonly hostPort: number;
        readonly bindAddress: string;
        readonly retentionDays: number;
        readonly scrapeIntervalSeconds: number;
    };
    readonly grafana: Limits & {
        readonly hostPort: number;
        readonly bindAddress: string;
        /** Let visitors view dashboards without logging in. */
        readonly anonymousAccess: boolean;
        readonly adminPassword: pulumi.Input<string>;
    };
    readonly hardened: boolean;
}

/**
 * Prometheus, with a scrape job per declared service and the platform's alert
 * rules, and Grafana, with Prometheus as its datasource and the platform dashboard.
 */
export class Monitoring extends pulumi.ComponentResource {
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly containerNames: pulumi.Output<string[]>;
    /** Container ids, which change whenever a container is replaced. */
    public readonly containerIds: pulumi.Output<string[]>;

    constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Monitoring", name, {}, opts);
        const labelList = dockerLabels(args.labels);
        const publish = (containerPort: number, p: { hostPort: number; bindAddress: string }): PublishedPort[] => [
            { containerPort, hostPort: p.hostPort, hostAddress: p.bindAddress },
        ];

        const prometheusData = new docker.Volume(`${name}-prometheus-data`, { name: `${args.prefix}-prometheus-data`, labels: labelList }, { parent: this, deleteBeforeReplace: true });
        const prometheus = args.runtime.run(
            `${name}-prometheus`,
            {
                service: "prometheus",
                image: args.images.prometheus,
                networks: [{ name: args.networkName, aliases: ["prometheus"] }],
                ports: publish(PROMETHEUS_PORT, args.prometheus),
                files: {
                    [PROMETHEUS_CONFIG]: prometheusConfig({
                        project: args.project,
                        environment: args.environment,
                        scrapeIntervalSeconds: args.prometheus.scrapeIntervalSeconds,
                        targets: args.targets,
                        rulesFile: RULES_FILE,
                    }),
                    [RULES_FILE]: alertRules(args.alerts),
                },
                command: [
                    `--config.file=${PROMETHEUS_CONFIG}`,
                    "--storage.tsdb.path=/prometheus",
                    `--storage.tsdb.retention.time=${args.prometheus.retentionDays}d`,
                ],
                volumes: [{ volumeName: prometheusData.name, containerPath: "/prometheus" }],
                stateful: true,
                healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PROMETHEUS_PORT}/-/healthy`] },
                user: "65534:65534",
                hardened: args.hardened,
                memoryMb: args.prometheus.memoryMb,
                cpus: args.prometheus.cpus,
                labels: { ...args.labels, "ade.service": "prometheus" },
                logging: args.logging,
            },
            { parent: this },
        );

        const grafanaData = new docker.Volume(`${name}-grafana-data`, { name: `${args.prefix}-grafana-data`, labels: labelList }, { parent: this, deleteBeforeReplace: true });
        const grafana = args.runtime.run(
            `${name}-grafana`,
            {
                service: "grafana",
                image: args.images.grafana,
                networks: [{ name: args.networkName, aliases: ["grafana"] }],
                ports: publish(GRAFANA_PORT, args.grafana),
                env: {
                    GF_SECURITY_ADMIN_USER: "admin",
                    GF_SECURITY_ADMIN_PASSWORD__FILE: GRAFANA_PASSWORD_FILE,
                    GF_AUTH_ANONYMOUS_ENABLED: String(args.grafana.anonymousAccess),
                    GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer",
                    GF_USERS_ALLOW_SIGN_UP: "false",
                    GF_ANALYTICS_REPORTING_ENABLED: "false",
                    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
                    GF_PATHS_PROVISIONING: GRAFANA_PROVISIONING,
                    // The root filesystem may be read-only; logs go to stdout anyway.
                    GF_PATHS_LOGS: "/tmp/grafana-logs",
                },
                secretFiles: { [GRAFANA_PASSWORD_FILE]: args.grafana.adminPassword },
                files: {
                    [`${GRAFANA_PROVISIONING}/datasources/prometheus.yaml`]: datasourceProvisioning(`http://prometheus:${PROMETHEUS_PORT}`),
                    [`${GRAFANA_PROVISIONING}/dashboards/ade.yaml`]: dashboardProvisioning(GRAFANA_DASHBOARDS),
                    [`${GRAFANA_DASHBOARDS}/platform.json`]: platformDashboard(args.environment),
                },
                volumes: [{ volumeName: grafanaData.name, containerPath: "/var/lib/grafana" }],
                stateful: true,
                healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${GRAFANA_PORT}/api/health`] },
                user: "472:0",
                hardened: args.hardened,
                memoryMb: args.grafana.memoryMb,
                cpus: args.grafana.cpus,
                labels: { ...args.labels, "ade.service": "grafana" },
                logging: args.logging,
            },
            { parent: this, dependsOn: [prometheus.resource] },
        );

        this.prometheusUrl = pulumi.output(`http://127.0.0.1:${args.prometheus.hostPort}`);
        this.grafanaUrl = pulumi.output(`http://127.0.0.1:${args.grafana.hostPort}`);
        this.containerNames = pulumi.all([prometheus.name, grafana.name]);
        this.containerIds = pulumi.all([prometheus.revision, grafana.revision]);
        this.registerOutputs({
            prometheusUrl: this.prometheusUrl,
            grafanaUrl: this.grafanaUrl,
            containerNames: this.containerNames,
            containerIds: this.containerIds,
        });
    }
}
