/**
 * Docker Swarm: every service a replicated Swarm service found through DNS,
 * updated without downtime and rolled back by Swarm, and one entry proxy that
 * publishes the services' host ports (Swarm's own publishing needs the routing
 * mesh, which these machines' kernels lack, and binds every address).
 */
import type * as pulumi from "@pulumi/pulumi";
import { haproxyConfig, ProxiedService, PROXY_STATS_PORT } from "../proxy/haproxy";
import { ContainerService } from "./containerService";
import type { Runtime } from "./runtime";
import { SwarmService } from "./swarmService";
import { FILES_DIR } from "./workload";

export interface SwarmOptions {
    /** Placement constraints that keep a stateful service on the node that holds its volume. */
    readonly dataNodeConstraints: readonly string[];
    /** How long an update watches a new task before it counts (and Swarm rolls a failure back). */
    readonly updateMonitorSeconds: number;
    /** How long the application stays up, unready, after its stop signal. */
    readonly drainSeconds: number;
    /** Salt of the hashes that name the stack's secrets. */
    readonly secretSalt: string;
}

const PROXY_CONFIG = `${FILES_DIR}/haproxy/haproxy.cfg`;
/** The official haproxy image's user. */
const PROXY_USER = "99:99";

export function swarmRuntime(prefix: string, options: SwarmOptions): Runtime {
    const proxied: (ProxiedService & { readonly hostAddress: string })[] = [];
    let mostReplicas = 1;
    const services: pulumi.Resource[] = [];
    return {
        kind: "swarm",
        networkDriver: "overlay",
        imagesBy: "reference",
        networksBy: "id",
        discovery: "dns",
        drainSeconds: options.drainSeconds,
        scrapeTargets: [{ job: "proxy", address: `proxy:${PROXY_STATS_PORT}`, metricsPath: "/metrics" }],
        run(name, spec, opts = {}) {
            for (const p of spec.ports ?? []) {
                // The proxy sends requests only to tasks whose check answers 200: a guessed path (a redirect, say) takes every task out.
                if (spec.readinessPath === undefined) throw new Error(`service ${spec.service} publishes port ${p.hostPort} but names no readinessPath for the entry proxy to check`);
                proxied.push({ name: spec.service, port: p.containerPort, hostPort: p.hostPort, hostAddress: p.hostAddress, checkPath: spec.readinessPath, liveCheckPath: spec.livenessPath });
            }
            mostReplicas = Math.max(mostReplicas, spec.replicas ?? 1);
            const service = new SwarmService(
                name,
                {
                    ...spec,
                    serviceName: `${prefix}-${spec.service}`,
                    // The drain, then the application's own shutdown (at most 8 s), inside the grace period.
                    stopGraceSeconds: options.drainSeconds + 10,
                    updateMonitorSeconds: options.updateMonitorSeconds,
                    dataNodeConstraints: options.dataNodeConstraints,
                    secretSalt: options.secretSalt,
                },
                opts,
            );
            services.push(service);
            return { name: service.serviceName, revision: service.revision, resource: service };
        },
        publish(name, entry, opts = {}) {
            if (proxied.length === 0) return undefined;
            // The entry opens once the services behind it exist. Its container attaches to the overlay network
            // through the Swarm manager, within Docker's 20 s deadline for that request: while the manager
            // allocated a whole stack's services at once, that attachment once timed out ("attaching to network
            // failed ... context deadline exceeded").
            if (opts.dependsOn !== undefined) throw new Error("the swarm entry depends on the stack's services only");
            const after = { ...opts, dependsOn: services };
            const proxy = new ContainerService(
                name,
                {
                    service: "proxy",
                    containerName: `${prefix}-proxy`,
                    image: entry.proxyImage,
                    command: ["haproxy", "-f", PROXY_CONFIG],
                    files: { [PROXY_CONFIG]: haproxyConfig({ services: proxied, maxTasksPerService: 2 * mostReplicas + 2 }) },
                    networks: [{ name: entry.networkName, aliases: ["proxy"] }],
                    ports: proxied.map((p) => ({ containerPort: p.hostPort, hostPort: p.hostPort, hostAddress: p.hostAddress })),
                    // The image has no HTTP client: a connection to the stats port proves HAProxy listens.
                    healthcheck: { test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${PROXY_STATS_PORT}`] },
                    // HAProxy's graceful stop: finish open requests, then exit.
                    stopSignal: "SIGUSR1",
                    user: PROXY_USER,
                    filesOwner: PROXY_USER,
                    hardened: entry.hardened,
                    memoryMb: 128,
                    cpus: 0.5,
                    labels: { ...entry.labels, "ade.service": "proxy" },
                    logging: entry.logging,
                },
                after,
            );
            return { name: proxy.containerName, revision: proxy.containerId, resource: proxy };
        },
    };
}
