/**
 * The application's services as workloads: environment, secret files,
 * networks, ports and health, from one service's config. No resources here:
 * Platform hands the result to the stack's runtime.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Secrets } from "../config/load";
import type { ServiceConfig, StackConfig } from "../config/schema";
import { httpHealthcheck, SECRETS_DIR, WorkloadDefaults, WorkloadSpec } from "./workload";

/** What the application's services connect to. */
export interface ApplicationContext {
    readonly config: StackConfig;
    readonly secrets: Secrets;
    readonly database: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<string> };
    readonly networks: { readonly public: pulumi.Input<string>; readonly internal: pulumi.Input<string> };
    readonly defaults: WorkloadDefaults;
    /**
     * An image of the stack that stays the same across the application's versions (PostgreSQL's),
     * to deliver the services' files: a new version then replaces only what runs it.
     */
    readonly filesImage: pulumi.Input<string>;
}

/** The application image runs as uid 1000 (node). */
const APP_USER = "1000:1000";

/** `image` is what the service runs: the id of its pulled or built image. */
export function applicationWorkload(serviceName: string, s: ServiceConfig, image: pulumi.Input<string>, drainSeconds: number, ctx: ApplicationContext): WorkloadSpec {
    const c = ctx.config;
    const hardened = c.security.hardened;
    const secretFiles: Record<string, pulumi.Input<string>> = {};
    const env: Record<string, pulumi.Input<string>> = {
        ...s.env,
        PORT: String(s.port),
        APP_VERSION: c.version,
        ADE_ENVIRONMENT: c.environment,
        LOG_LEVEL: c.debug.logLevel,
        DEBUG_ENDPOINTS: String(c.debug.endpoints),
        DRAIN_SECONDS: String(drainSeconds),
    };
    const networks = [{ name: ctx.networks.public, aliases: [serviceName] }];
    if (s.database) {
        const passwordFile = `${SECRETS_DIR}/database-password`;
        secretFiles[passwordFile] = ctx.secrets.databasePassword;
        Object.assign(env, {
            DATABASE_HOST: ctx.database.host,
            DATABASE_PORT: ctx.database.port,
            DATABASE_NAME: c.database.name,
            DATABASE_USER: c.database.user,
            DATABASE_PASSWORD_FILE: passwordFile,
        });
        networks.push({ name: ctx.networks.internal, aliases: [serviceName] });
    }
    if (s.secrets.includes("appSecretKey")) {
        const keyFile = `${SECRETS_DIR}/app-secret-key`;
        secretFiles[keyFile] = ctx.secrets.appSecretKey;
        env["APP_SECRET_KEY_FILE"] = keyFile;
    }
    return {
        service: serviceName,
        image,
        networks,
        ports: [{ containerPort: s.port, hostPort: s.hostPort, hostAddress: s.bindAddress }],
        env,
        secretFiles,
        filesImage: ctx.filesImage,
        // A shell probe, not the image's own `node /app/healthcheck.js`: a Node.js process for every check
        // of every task loads a small host, and checks that time out there get a task that serves well killed.
        healthcheck: httpHealthcheck(s.port, s.healthPath),
        // The health verification waits for it and names what it answered.
        waitForHealthy: false,
        readinessPath: s.readyPath ?? s.healthPath,
        livenessPath: s.healthPath,
        replicas: s.replicas,
        user: hardened ? APP_USER : undefined,
        filesOwner: APP_USER,
        hardened,
        memoryMb: s.memoryMb,
        cpus: s.cpus,
        labels: { ...ctx.defaults.labels, "ade.service": serviceName, "ade.version": c.version },
        logging: ctx.defaults.logging,
    };
}
