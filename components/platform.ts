import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { Secrets } from "../config/load";
import type { StackConfig } from "../config/schema";
import { scrapeTargets } from "../monitoring/prometheus";
import { applicationWorkload } from "./application";
import { Database } from "./database";
import { DevTools } from "./devTools";
import { HealthTarget, HealthVerification } from "./healthVerification";
import { Monitoring } from "./monitoring";
import { Networks } from "./networks";
import { containersRuntime } from "./runtime";

export interface PlatformArgs {
    readonly project: string;
    readonly stack: string;
    /** The validated stack config. */
    readonly config: StackConfig;
    readonly secrets: Secrets;
    /** Directory relative paths in the config (build contexts, backups) are resolved against. */
    readonly rootDirectory: string;
}

/**
 * One environment of the application: networks, database, the application's
 * services, monitoring, development tools where they belong, and the health
 * verification that closes every update.
 */
export class Platform extends pulumi.ComponentResource {
    public readonly environment: pulumi.Output<string>;
    public readonly version: pulumi.Output<string>;
    /** Loopback URL of every application service. */
    public readonly serviceUrls: pulumi.Output<Record<string, string>>;
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly grafanaUrl: pulumi.Output<string>;
    /** The database admin tool's URL; undefined outside development. */
    public readonly dbAdminUrl: pulumi.Output<string | undefined>;
    public readonly networkNames: pulumi.Output<string[]>;
    public readonly containerNames: pulumi.Output<string[]>;
    public readonly healthReport: pulumi.Output<string>;
    public readonly databaseBackup: pulumi.Output<string | undefined>;

    constructor(name: string, args: PlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Platform", name, {}, opts);
        const { config: c, secrets } = args;
        const prefix = `${args.project}-${args.stack}`;
        const labels = { "ade.project": args.project, "ade.stack": args.stack, "ade.environment": c.environment };
        const logging = c.logging;
        const hardened = c.security.hardened;

        const runtime = containersRuntime(prefix);
        const networks = new Networks(`${name}-networks`, { prefix, labels }, { parent: this });

        const database = new Database(
            `${name}-database`,
            {
                prefix,
                runtime,
                image: c.images.postgres,
                databaseName: c.database.name,
                user: c.database.user,
                password: secrets.databasePassword,
                internalNetworkName: networks.internalNetworkName,
                publicNetworkName: networks.publicNetworkName,
                hostPort: c.database.hostPort,
                backup: c.database.backup.enabled
                    ? { directory: path.resolve(args.rootDirectory, c.database.backup.directory), retention: c.database.backup.retention }
                    : undefined,
                retainVolumeOnDestroy: c.database.retainVolumeOnDestroy,
                memoryMb: c.database.memoryMb,
                cpus: c.database.cpus,
                hardened,
                labels,
                logging,
            },
            { parent: this },
        );

        const defaults = { labels, logging };
        const application = {
            project: args.project,
            config: c,
            secrets,
            database: { host: database.host, port: database.port.apply(String) },
            networks: { public: networks.publicNetworkName, internal: networks.internalNetworkName },
            rootDirectory: args.rootDirectory,
            defaults,
        };
        const services = Object.entries(c.services).map(([serviceName, s]) => {
            const service = runtime.run(`${name}-${serviceName}`, applicationWorkload(serviceName, s, application), {
                parent: this,
                dependsOn: s.database ? [database] : [],
            });
            return { serviceName, config: s, service };
        });

        const monitoring = new Monitoring(
            `${name}-monitoring`,
            {
                prefix,
                runtime,
                project: args.project,
                environment: c.environment,
                images: { prometheus: c.images.prometheus, grafana: c.images.grafana },
                networkName: networks.publicNetworkName,
                targets: scrapeTargets(c.services),
                alerts: c.monitoring.alerts,
                prometheus: c.monitoring.prometheus,
                grafana: { ...c.monitoring.grafana, adminPassword: secrets.grafanaAdminPassword },
                hardened,
                labels,
                logging,
            },
            { parent: this, dependsOn: services.map((s) => s.service.resource) },
        );

        const devTools = c.debug.dbAdmin.enabled
            ? new DevTools(
                  `${name}-devtools`,
                  {
                      runtime,
                      dbAdminImage: c.images.dbAdmin,
                      dbAdminHostPort: c.debug.dbAdmin.hostPort,
                      internalNetworkName: networks.internalNetworkName,
                      publicNetworkName: networks.publicNetworkName,
                      labels,
                      logging,
                  },
                  { parent: this, dependsOn: [database] },
              )
            : undefined;

        const targets: HealthTarget[] = [
            ...services.map(({ serviceName, config: s }) => ({ name: serviceName, url: `http://127.0.0.1:${s.hostPort}${s.healthPath}` })),
            { name: "prometheus", url: `http://127.0.0.1:${c.monitoring.prometheus.hostPort}/-/healthy` },
            { name: "grafana", url: `http://127.0.0.1:${c.monitoring.grafana.hostPort}/api/health` },
        ];
        if (devTools !== undefined) targets.push({ name: "dbadmin", url: `http://127.0.0.1:${c.debug.dbAdmin.hostPort}/` });
        const health = new HealthVerification(
            `${name}-health`,
            {
                targets,
                deadlineSeconds: c.healthCheck.deadlineSeconds,
                intervalSeconds: c.healthCheck.intervalSeconds,
                requestTimeoutSeconds: c.healthCheck.requestTimeoutSeconds,
                triggers: pulumi
                    .all([pulumi.all(services.map((s) => s.service.revision)), monitoring.containerIds, devTools?.containerId ?? ""])
                    .apply(([own, monitored, tools]) => [...own, ...monitored, tools]),
            },
            { parent: this, dependsOn: [...services.map((s) => s.service.resource), monitoring, ...(devTools ? [devTools] : [])] },
        );

        this.environment = pulumi.output(c.environment);
        this.version = pulumi.output(c.version);
        this.serviceUrls = pulumi.output(Object.fromEntries(services.map(({ serviceName, config: s }) => [serviceName, `http://127.0.0.1:${s.hostPort}`])));
        this.prometheusUrl = monitoring.prometheusUrl;
        this.grafanaUrl = monitoring.grafanaUrl;
        this.dbAdminUrl = devTools === undefined ? pulumi.output(undefined) : devTools.dbAdminUrl;
        this.networkNames = pulumi.all([networks.publicNetworkName, networks.internalNetworkName]);
        this.containerNames = pulumi
            .all([pulumi.all([database.containerName, ...services.map((s) => s.service.name)]), monitoring.containerNames])
            .apply(([own, monitored]) => [...own, ...monitored]);
        this.healthReport = health.report;
        this.databaseBackup = database.lastBackup;
        this.registerOutputs({
            environment: this.environment,
            version: this.version,
            serviceUrls: this.serviceUrls,
            prometheusUrl: this.prometheusUrl,
            grafanaUrl: this.grafanaUrl,
            dbAdminUrl: this.dbAdminUrl,
            networkNames: this.networkNames,
            containerNames: this.containerNames,
            healthReport: this.healthReport,
            databaseBackup: this.databaseBackup,
        });
    }
}
