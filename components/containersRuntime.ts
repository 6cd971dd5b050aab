/** Plain containers on one Docker engine, named `<prefix>-<service>`: the fast single-host loop. */
import { ContainerService } from "./containerService";
import type { Runtime } from "./runtime";

export function containersRuntime(prefix: string): Runtime {
    return {
        kind: "containers",
        networkDriver: "bridge",
        imagesBy: "id",
        networksBy: "name",
        discovery: "static",
        // A replaced container must stop at once: its successor needs its name and port.
        drainSeconds: 0,
        scrapeTargets: [],
        run(name, spec, opts = {}) {
            const service = new ContainerService(name, { ...spec, containerName: `${prefix}-${spec.service}` }, opts);
            return { name: service.containerName, revision: service.containerId, resource: service };
        },
        // Each container publishes its own ports.
        publish: () => undefined,
    };
}
