/**
 * The application's services as workloads: environment, secret files,
 * networks, ports and health, from one service's config. No resources here:
 * Platform hands the result to the stack's runtime.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { Secrets } from "../config/load";
import type { ServiceConfig, StackConfig } from "../config/schema";
import { SECRETS_DIR, WorkloadDefaults, WorkloadSpec } from "./workload";

/** What the application's services connect to. */
export interface ApplicationContext {
    readonly project: string;
    readonly config: StackConfig;
    readonly secrets: Secrets;
    readonly database: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<string> };
    readonly networks: { readonly public: pulumi.Input<string>; readonly internal: pulumi.Input<string> };
    /** Directory relative build contexts are resolved against. */
    readonly rootDirectory: string;
    readonly defaults: WorkloadDefaults;
}

/** The application image runs as uid 1000 (node). */
const APP_USER = "1000:1000";

export function applicationWorkload(serviceName: string, s: ServiceConfig, ctx: ApplicationContext): WorkloadSpec {
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
        image: s.image ?? `${ctx.project}/${serviceName}:${c.version}`,
        build:
            s.build === undefined
                ? undefined
                : {
                      context: path.resolve(ctx.rootDirectory, s.build.context),
                      dockerfile: s.build.dockerfile,
                      args: { ...s.build.args, BASE_IMAGE: c.images.appBase, APP_VERSION: c.version },
                  },
        networks,
        ports: [{ containerPort: s.port, hostPort: s.hostPort, hostAddress: s.bindAddress }],
        env,
        secretFiles,
        healthcheck: { test: ["CMD", "node", "/app/healthcheck.js"] },
        // The health verification waits for it and names what it answered.
        waitForHealthy: false,
        user: hardened ? APP_USER : undefined,
        filesOwner: APP_USER,
        hardened,
        memoryMb: s.memoryMb,
        cpus: s.cpus,
        labels: { ...ctx.defaults.labels, "ade.service": serviceName, "ade.version": c.version },
        logging: ctx.defaults.logging,
    };
}
