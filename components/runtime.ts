/**
 * The seam between what a service needs (`WorkloadSpec`) and what runs it.
 * Platform, Database, Monitoring and DevTools describe their services once and
 * hand them to a runtime; only the runtime module knows Docker's objects.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "./containerService";
import type { WorkloadSpec } from "./workload";

/** A service as a runtime runs it. */
export interface RunningWorkload {
    /** Docker name of what runs the service. */
    readonly name: pulumi.Output<string>;
    /** Changes whenever the service is replaced: re-runs the health verification. */
    readonly revision: pulumi.Output<string>;
    /** The component, for `dependsOn`. */
    readonly resource: pulumi.Resource;
}

export interface Runtime {
    readonly kind: "containers";
    /** Driver of the platform's networks. */
    readonly networkDriver: "bridge";
    /** Runs one service as a child component named `name`. */
    run(name: string, spec: WorkloadSpec, opts?: pulumi.ComponentResourceOptions): RunningWorkload;
}

/** Plain containers on one Docker engine, named `<prefix>-<service>`. */
export function containersRuntime(prefix: string): Runtime {
    return {
        kind: "containers",
        networkDriver: "bridge",
        run(name, spec, opts = {}) {
            const service = new ContainerService(name, { ...spec, containerName: `${prefix}-${spec.service}` }, opts);
            return { name: service.containerName, revision: service.containerId, resource: service };
        },
    };
}
