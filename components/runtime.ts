/**
 * The seam between what a service needs (`WorkloadSpec`) and what runs it.
 * Platform, Database, Monitoring and DevTools describe their services once and
 * hand them to the stack's runtime: plain containers on one Docker engine, or
 * Docker Swarm services. Only the runtime modules know Docker's objects.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ScrapeTarget } from "../monitoring/prometheus";
import { containersRuntime } from "./containersRuntime";
import { swarmRuntime, SwarmOptions } from "./swarmRuntime";
import type { WorkloadDefaults, WorkloadSpec } from "./workload";

/** A service as a runtime runs it. */
export interface RunningWorkload {
    /** Docker name of what runs the service (a container, or a Swarm service). */
    readonly name: pulumi.Output<string>;
    /** Changes whenever the service is replaced or updated: re-runs the health verification. */
    readonly revision: pulumi.Output<string>;
    /** The component, for `dependsOn`. */
    readonly resource: pulumi.Resource;
}

/** What the runtime needs to publish the services' host ports (the swarm runtime's entry proxy). */
export interface EntryArgs extends WorkloadDefaults {
    /** The network the services answer on. */
    readonly networkName: pulumi.Input<string>;
    /** Image of the entry proxy. */
    readonly proxyImage: pulumi.Input<string>;
    readonly hardened: boolean;
}

export interface Runtime {
    readonly kind: "containers" | "swarm";
    /** Driver of the platform's networks. */
    readonly networkDriver: "bridge" | "overlay";
    /**
     * How services name their image: by local id (one engine: a rebuilt image replaces what runs it),
     * or by reference (every node pulls or has it by name; digests pin what can move).
     */
    readonly imagesBy: "id" | "reference";
    /**
     * How services name the networks they join (`WorkloadSpec.networks[].name`): by name
     * (containers read them back by name), or by id (Swarm services read them back by id).
     */
    readonly networksBy: "name" | "id";
    /** How Prometheus finds the instances of a service: its one name, or every task through DNS. */
    readonly discovery: "static" | "dns";
    /** How long the application stays up but unready after its stop signal, so requests move elsewhere first. */
    readonly drainSeconds: number;
    /** Scrape targets of the runtime's own parts (the entry proxy). */
    readonly scrapeTargets: readonly ScrapeTarget[];
    /** Runs one service as a child component named `name`. */
    run(name: string, spec: WorkloadSpec, opts?: pulumi.ComponentResourceOptions): RunningWorkload;
    /**
     * Makes the host ports of every service run so far reachable, where the runtime does
     * not publish them on the service itself; called once, after the last `run`.
     */
    publish(name: string, entry: EntryArgs, opts?: pulumi.ComponentResourceOptions): RunningWorkload | undefined;
}

export type RuntimeKind = Runtime["kind"];

/** The runtime a stack's config chooses; Docker names start with `prefix` (`<project>-<stack>`). */
export function runtimeFor(kind: RuntimeKind, prefix: string, swarm: SwarmOptions): Runtime {
    return kind === "swarm" ? swarmRuntime(prefix, swarm) : containersRuntime(prefix);
}
