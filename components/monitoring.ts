import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting, alertmanagerConfig } from "../monitoring/alertmanager";
import { alertRules, AlertRulesArgs } from "../monitoring/alertRules";
import { dashboardFiles, dashboardProvisioning, datasourceProvisioning } from "../monitoring/grafana";
import { ALERTMANAGER_PORT, GRAFANA_PORT, prometheusConfig, PROMETHEUS_PORT, ScrapeTarget } from "../monitoring/prometheus";
import type { RunningWorkload, Runtime } from "./runtime";
import { dockerLabels, FILES_DIR, httpHealthcheck, PublishedPort, SECRETS_DIR, WorkloadDefaults } from "./workload";

const PROMETHEUS_CONFIG = `${FILES_DIR}/prometheus/prometheus.yml`;
const RULES_FILE = `${FILES_DIR}/prometheus/rules.yml`;
const GRAFANA_PROVISIONING = `${FILES_DIR}/grafana/provisioning`;
const GRAFANA_DASHBOARDS = `${FILES_DIR}/grafana/dashboards`;
const GRAFANA_PASSWORD_FILE = `${SECRETS_DIR}/grafana-admin-password`;
const ALERTMANAGER_CONFIG = `${FILES_DIR}/alertmanager/alertmanager.yml`;
const WEBHOOK_TOKEN_FILE = `${SECRETS_DIR}/alert-webhook-token`;

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
    /** The stack's name: an external label of every series and alert, and named in the alerts' runbooks. */
    readonly stack: string;
    readonly environment: string;
    readonly images: { readonly prometheus: pulumi.Input<string>; readonly grafana: pulumi.Input<string>; readonly alertmanager: pulumi.Input<string> };
    /** The network the scraped services are on. */
    readonly networkName: pulumi.Input<string>;
    /** What Prometheus scrapes; see `scrapeTargets`. */
    readonly targets: readonly ScrapeTarget[];
    /** What the alert rules watch: thresholds, health endpoints, memory limits. */
    readonly alerts: Omit<AlertRulesArgs, "stack" | "scrapeIntervalSeconds">;
    readonly prometheus: Limits & {
        readonly hostPort: number;
        readonly bindAddress: string;
        readonly retentionDays: number;
        readonly scrapeIntervalSeconds: number;
        /** How often rules are evaluated; the scrape interval when absent. */
        readonly evaluationIntervalSeconds?: number;
    };
    /** Alertmanager, published on loopback only. */
    readonly alertmanager: Limits & {
        readonly hostPort: number;
        readonly routing: Omit<AlertRouting, "webhook"> & { readonly webhook?: { readonly url: string; readonly sendResolved: boolean } };
        /** Bearer token for the webhook (a secret), delivered as a file. */
        readonly webhookToken?: pulumi.Input<string>;
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
 * rules; Alertmanager, which groups the alerts by service and sends them where
 * the stack's config says; and Grafana, with Prometheus as its datasource and
 * the platform's dashboards.
 */
export class Monitoring extends pulumi.ComponentResource {
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly alertmanagerUrl: pulumi.Output<string>;
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

        const alertmanagerUrl = `http://127.0.0.1:${args.alertmanager.hostPort}`;
        const alertmanager = this.alertmanager(name, args, alertmanagerUrl);

        const prometheusData = new docker.Volume(`${name}-prometheus-data`, { name: `${args.prefix}-prometheus-data`, labels: labelList }, { parent: this, deleteBeforeReplace: true });
        const prometheus = args.runtime.run(
            `${name}-prometheus`,
            {
                service: "prometheus",
                image: args.images.prometheus,
                networks: [{ name: args.networkName, aliases: ["prometheus"] }],
                ports: publish(PROMETHEUS_PORT, args.prometheus),
                // `/` redirects (302) to the UI: a proxy in front checks readiness here.
                readinessPath: "/-/ready",
                files: {
                    [PROMETHEUS_CONFIG]: prometheusConfig({
                        project: args.project,
                        stack: args.stack,
                        environment: args.environment,
                        scrapeIntervalSeconds: args.prometheus.scrapeIntervalSeconds,
                        evaluationIntervalSeconds: args.prometheus.evaluationIntervalSeconds,
                        targets: args.targets,
                        rulesFile: RULES_FILE,
                        alertmanager: `alertmanager:${ALERTMANAGER_PORT}`,
                    }),
                    [RULES_FILE]: alertRules({ ...args.alerts, stack: args.stack, scrapeIntervalSeconds: args.prometheus.scrapeIntervalSeconds }),
                },
                command: [
                    `--config.file=${PROMETHEUS_CONFIG}`,
                    "--storage.tsdb.path=/prometheus",
                    `--storage.tsdb.retention.time=${args.prometheus.retentionDays}d`,
                    // Links in alerts (generatorURL) point where a person can open them.
                    `--web.external-url=http://127.0.0.1:${args.prometheus.hostPort}`,
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
            // No wait for Alertmanager: Prometheus retries a notification it cannot deliver yet.
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
                readinessPath: "/api/health",
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
                    ...Object.fromEntries(Object.entries(dashboardFiles(args.environment)).map(([file, json]) => [`${GRAFANA_DASHBOARDS}/${file}`, json])),
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
            // No wait for Prometheus: Grafana reads its provisioned datasource without reaching it.
            { parent: this },
        );

        this.prometheusUrl = pulumi.output(`http://127.0.0.1:${args.prometheus.hostPort}`);
        this.alertmanagerUrl = pulumi.output(alertmanagerUrl);
        this.grafanaUrl = pulumi.output(`http://127.0.0.1:${args.grafana.hostPort}`);
        this.containerNames = pulumi.all([prometheus.name, alertmanager.name, grafana.name]);
        this.containerIds = pulumi.all([prometheus.revision, alertmanager.revision, grafana.revision]);
        this.registerOutputs({
            prometheusUrl: this.prometheusUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            grafanaUrl: this.grafanaUrl,
            containerNames: this.containerNames,
            containerIds: this.containerIds,
        });
    }

    /**
     * Alertmanager on loopback, its silences on a volume of their own. The
     * webhook's token reaches it as a secret file its config points at
     * (`credentials_file`); no URL or token is in its environment.
     */
    private alertmanager(name: string, args: MonitoringArgs, externalUrl: string): RunningWorkload {
        const am = args.alertmanager;
        const token = am.routing.webhook === undefined ? undefined : am.webhookToken;
        const data = new docker.Volume(`${name}-alertmanager-data`, { name: `${args.prefix}-alertmanager-data`, labels: dockerLabels(args.labels) }, { parent: this, deleteBeforeReplace: true });
        const webhook = am.routing.webhook === undefined ? undefined : { ...am.routing.webhook, tokenFile: token === undefined ? undefined : WEBHOOK_TOKEN_FILE };
        return args.runtime.run(
            `${name}-alertmanager`,
            {
                service: "alertmanager",
                image: args.images.alertmanager,
                networks: [{ name: args.networkName, aliases: ["alertmanager"] }],
                ports: [{ containerPort: ALERTMANAGER_PORT, hostPort: am.hostPort, hostAddress: "127.0.0.1" }],
                readinessPath: "/-/ready",
                files: { [ALERTMANAGER_CONFIG]: alertmanagerConfig({ ...am.routing, webhook }) },
                secretFiles: token === undefined ? {} : { [WEBHOOK_TOKEN_FILE]: token },
                command: [
                    `--config.file=${ALERTMANAGER_CONFIG}`,
                    "--storage.path=/alertmanager",
                    `--web.listen-address=:${ALERTMANAGER_PORT}`,
                    `--web.external-url=${externalUrl}`,
                    // One Alertmanager per stack: no gossip, and no wait for a cluster to settle before notifying.
                    "--cluster.listen-address=",
                ],
                volumes: [{ volumeName: data.name, containerPath: "/alertmanager" }],
                stateful: true,
                healthcheck: httpHealthcheck(ALERTMANAGER_PORT, "/-/healthy"),
                user: "65534:65534",
                hardened: args.hardened,
                memoryMb: am.memoryMb,
                cpus: am.cpus,
                labels: { ...args.labels, "ade.service": "alertmanager" },
                logging: args.logging,
            },
            { parent: this },
        );
    }
}
