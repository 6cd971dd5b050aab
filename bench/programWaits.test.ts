import { expect } from "chai";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { runProgram } from "../tests/mocks";
import { StateResource, waitEdges } from "./timeline";

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getObject(): Parameters<typeof deserializeProperties>[0];
}

/**
 * The waits the program declares, as the SDK sends them to the engine (the
 * mocks' own records leave dependencies out), read the way the benchmark reads
 * them from the engine's state to give its docker-compose peer the same waits.
 */
async function registeredResources(stack: string): Promise<StateResource[]> {
    const resources: StateResource[] = [];
    const proto = MockMonitor.prototype as unknown as { registerResource(req: RegisterRequest, callback: unknown): Promise<void>; newUrn(parent: string, type: string, name: string): string };
    const descriptor = Object.getOwnPropertyDescriptor(proto, "registerResource");
    const original = descriptor?.value as (this: typeof proto, req: RegisterRequest, callback: unknown) => Promise<void>;
    proto.registerResource = function (this: typeof proto, req: RegisterRequest, callback: unknown) {
        resources.push({
            urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
            type: req.getType(),
            parent: req.getParent() === "" ? undefined : req.getParent(),
            dependencies: req.getDependenciesList(),
            inputs: deserializeProperties(req.getObject()),
        });
        return original.call(this, req, callback);
    };
    try {
        await runProgram(stack);
    } finally {
        Object.defineProperty(proto, "registerResource", descriptor ?? {});
    }
    return resources;
}

describe("what the program's containers wait for", () => {
    it("has only the application wait, for a healthy database; monitoring, exporters and tools start at once", async () => {
        const resources = await registeredResources("development");
        const names = resources.filter((r) => r.type === "docker:index/container:Container" && r.inputs?.["mustRun"] !== false).map((r) => String(r.inputs?.["name"]));
        expect(names).to.have.length(8);
        const waiting = Object.fromEntries([...waitEdges(resources, names)].filter(([, edges]) => edges.length > 0));
        expect(waiting).to.deep.equal({ "ade-development-api": [{ on: "ade-development-postgres", healthy: true }] });
    });
});
