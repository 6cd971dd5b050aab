import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { StackImage } from "../config/imageMirrors";
import type { Secrets } from "../config/load";
import type { StackConfig } from "../config/schema";
import { watchedServices } from "../monitoring/alertRules";
import { scrapeTargets } from "../monitoring/prometheus";
import { Exporters } from "./exporters";
import { applicationWorkload } from "./application";
import { Database } from "./database";
import { DevTools } from "./devTools";
import { HealthVerification, stackHealthTargets } from "./healthVerification";
import { Monitoring } from "./monitoring";
import { Networks } from "./networks";
import { stackImages } from "./images";
import { runtimeFor } from "./runtime";

export interface PlatformArgs {
    readonly project: string;
    readonly stack: string;
    /** The validated stack config. */
    readonly config: StackConfig;
    readonly secrets: Secrets;
    /** Directory relative paths in the config (build contexts, backups) are resolved against. */
    readonly rootDirectory: string;
    /** Every image the stack runs, after the machine's image mirrors (config/load.ts). */
    readonly images: readonly StackImage[];
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
    /** Alertmanager's API on loopback (`ade status`, amtool). */
    public readonly alertmanagerUrl: pulumi.Output<string>;
    public readonly grafanaUrl: pulumi.Output<string>;
    /** The database admin tool's URL; undefined outside development. */
    public readonly dbAdminUrl: pulumi.Output<string | undefined>;
    public readonly networkNames: pulumi.Output<string[]>;
    public readonly containerNames: pulumi.Output<string[]>;
    public readonly healthReport: pulumi.Output<string>;
    public readonly databaseBackup: pulumi.Output<string | undefined>;
    /** The image each config key makes this stack run on this machine (after its image mirrors). */
    public readonly images: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Platform", name, {}, opts);
        const { config: c, secrets } = args;
        const prefix = `${args.project}-${args.stack}`;
        const labels = { "ade.project": args.project, "ade.stack": args.stack, "ade.environment": c.environment };
        const defaults = { labels, logging: c.logging };
        const hardened = c.security.hardened;
        const runtime = runtimeFor(c.runtime, prefix, {
            dataNodeConstraints: [`node.labels.${c.swarm.dataNodeLabel} == true`],
            updateMonitorSeconds: c.swarm.updateMonitorSeconds,
            drainSeconds: c.swarm.drainSeconds,
            secretSalt: `${args.project}:${args.stack}`,
        });

        const images = stackImages(name, args, runtime.imagesBy, this);
        const networks = new Networks(`${name}-networks`, { prefix, labels, driver: runtime.networkDriver, encrypted: c.swarm.encryptedNetworks }, { parent: this });

        // What the services are given to join their networks by; the entry proxy, a plain container, joins by name.
        const net =
            runtime.networksBy === "id"
                ? { public: networks.publicNetworkId, internal: networks.internalNetworkId }
                : { public: networks.publicNetworkName, internal: networks.internalNetworkName };

        const database = new Database(
            `${name}-database`,
            {
                prefix,
                runtime,
                image: images.image("images.postgres"),
                databaseName: c.database.name,
                user: c.database.user,
                password: secrets.databasePassword,
                internalNetworkName: net.internal,
                publicNetworkName: net.public,
                hostPort: c.database.hostPort,
                backup: c.database.backup.enabled
                    ? { directory: path.resolve(args.rootDirectory, c.database.backup.directory), retention: c.database.backup.retention }
                    : undefined,
                retainVolumeOnDestroy: c.database.retainVolumeOnDestroy,
                memoryMb: c.database.memoryMb,
                cpus: c.database.cpus,
                hardened,
                ...defaults,
            },
            { parent: this },
        );

        const application = {
            config: c,
            secrets,
            database: { host: database.host, port: database.port.apply(String) },
            networks: net,
            defaults,
            filesImage: images.image("images.postgres"),
        };
        // Only the application waits, and only for the database; everything else starts at once.
        const services = Object.entries(c.services).map(([serviceName, s]) => {
            const image = images.image(`services.${serviceName}.${s.build !== undefined ? "build" : s.image !== undefined ? "image" : "release"}`);
            const service = runtime.run(`${name}-${serviceName}`, applicationWorkload(serviceName, s, image, runtime.drainSeconds, application), {
                parent: this,
                dependsOn: s.database ? [database] : [],
            });
            return { serviceName, config: s, service };
        });

        const m = c.monitoring;
        const exporters = new Exporters(
            `${name}-exporters`,
            {
                runtime,
                images: { postgresExporter: images.image("images.postgresExporter"), nodeExporter: images.image("images.nodeExporter") },
                database: { host: database.host, port: database.port, name: c.database.name, user: c.database.user, password: secrets.databasePassword },
                internalNetworkName: net.internal,
                publicNetworkName: net.public,
                memoryMb: m.exporters.memoryMb,
                cpus: m.exporters.cpus,
                hardened,
                ...defaults,
            },
            // No wait for the database: the PostgreSQL exporter reports it down (pg_up 0) until it answers.
            { parent: this },
        );

        const monitoring = new Monitoring(
            `${name}-monitoring`,
            {
                prefix,
                runtime,
                project: args.project,
                stack: args.stack,
                environment: c.environment,
                images: { prometheus: images.image("images.prometheus"), grafana: images.image("images.grafana"), alertmanager: images.image("images.alertmanager") },
                networkName: net.public,
                // The runtime's own parts (Swarm's entry proxy) are scraped too.
                targets: scrapeTargets(c.services, runtime.discovery, runtime.scrapeTargets),
                alerts: { thresholds: m.alerts, ...watchedServices(c) },
                prometheus: m.prometheus,
                alertmanager: {
                    hostPort: m.alertmanager.hostPort,
                    memoryMb: m.alertmanager.memoryMb,
                    cpus: m.alertmanager.cpus,
                    routing: {
                        webhook: m.alertmanager.webhook,
                        groupWaitSeconds: m.alertmanager.groupWaitSeconds,
                        groupIntervalSeconds: m.alertmanager.groupIntervalSeconds,
                        repeatIntervalMinutes: m.alertmanager.repeatIntervalMinutes,
                    },
                    webhookToken: secrets.alertWebhookToken,
                },
                grafana: { ...m.grafana, adminPassword: secrets.grafanaAdminPassword },
                hardened,
                ...defaults,
            },
            { parent: this },
        );

        const devTools = c.debug.dbAdmin.enabled
            ? new DevTools(
                  `${name}-devtools`,
                  {
                      runtime,
                      dbAdminImage: images.image("images.dbAdmin"),
                      dbAdminHostPort: c.debug.dbAdmin.hostPort,
                      internalNetworkName: net.internal,
                      publicNetworkName: net.public,
                      ...defaults,
                  },
                  { parent: this },
              )
            : undefined;

        // Swarm's entry proxy publishes every service's port; plain containers publish their own.
        const entry = runtime.publish(`${name}-entry`, { networkName: networks.publicNetworkName, proxyImage: images.has("images.proxy") ? images.image("images.proxy") : "", hardened, ...defaults }, { parent: this });

        const probe = c.healthCheck.address;
        const health = new HealthVerification(
            `${name}-health`,
            {
                targets: stackHealthTargets(c),
                deadlineSeconds: c.healthCheck.deadlineSeconds,
                intervalSeconds: c.healthCheck.intervalSeconds,
                requestTimeoutSeconds: c.healthCheck.requestTimeoutSeconds,
                triggers: pulumi
                    .all([pulumi.all(services.map((s) => s.service.revision)), monitoring.containerIds, exporters.containerIds, devTools?.containerId ?? "", entry?.revision ?? ""])
                    .apply(([own, monitored, exported, tools, proxy]) => [...own, ...monitored, ...exported, tools, ...(proxy === "" ? [] : [proxy])]),
            },
            {
                parent: this,
                dependsOn: [database, ...services.map((s) => s.service.resource), monitoring, exporters, ...(devTools ? [devTools] : []), ...(entry ? [entry.resource] : [])],
            },
        );

        this.environment = pulumi.output(c.environment);
        this.version = pulumi.output(c.version);
        this.serviceUrls = pulumi.output(Object.fromEntries(services.map(({ serviceName, config: s }) => [serviceName, `http://${probe}:${s.hostPort}`])));
        this.prometheusUrl = monitoring.prometheusUrl;
        this.alertmanagerUrl = monitoring.alertmanagerUrl;
        this.grafanaUrl = monitoring.grafanaUrl;
        this.dbAdminUrl = devTools === undefined ? pulumi.output(undefined) : devTools.dbAdminUrl;
        this.networkNames = pulumi.all([networks.publicNetworkName, networks.internalNetworkName]);
        this.containerNames = pulumi
            .all([pulumi.all([database.containerName, ...services.map((s) => s.service.name)]), monitoring.containerNames, exporters.containerNames])
            .apply(([own, monitored, exported]) => [...own, ...monitored, ...exported]);
        this.healthReport = health.report;
        this.databaseBackup = database.lastBackup;
        this.images = pulumi.output(Object.fromEntries(args.images.map((i) => [i.key, i.ref])));
        this.registerOutputs({
            environment: this.environment,
            images: this.images,
            version: this.version,
            serviceUrls: this.serviceUrls,
            prometheusUrl: this.prometheusUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            grafanaUrl: this.grafanaUrl,
            dbAdminUrl: this.dbAdminUrl,
            networkNames: this.networkNames,
            containerNames: this.containerNames,
            healthReport: this.healthReport,
            databaseBackup: this.databaseBackup,
        });
    }
}
