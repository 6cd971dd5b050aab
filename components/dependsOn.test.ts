import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ContainerService } from "./containerService";
import { SwarmService } from "./swarmService";
import { splitDependsOn, WorkloadSpec } from "./workload";

/** Mocks that hold back the creation of the resource named `held` until `release()`. */
class HoldingMocks implements pulumi.runtime.Mocks {
    public readonly created: string[] = [];
    private releaseHeld: () => void = () => undefined;
    private readonly held: Promise<void> = new Promise((resolve) => (this.releaseHeld = resolve));

    constructor(private readonly heldName: string) {}

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
        if (args.name === this.heldName) await this.held;
        this.created.push(args.name);
        return { id: `${args.name}-id`, state: { ...args.inputs } };
    }

    call(): Record<string, unknown> {
        return {};
    }

    release(): void {
        this.releaseHeld();
    }
}

/** A resource of no provider, for dependencies. */
class Thing extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Thing", name, {});
    }
}

const spec: WorkloadSpec = {
    service: "api",
    image: "sha256:0123",
    networks: [{ name: "net", aliases: ["api"] }],
    files: { "/run/ade/app.json": "{}" },
    secretFiles: { "/run/ade/secrets/key": "s3cret" },
    healthcheck: { test: ["CMD", "true"] },
    memoryMb: 64,
    cpus: 0.5,
    labels: {},
    logging: { maxSizeMb: 1, maxFiles: 1 },
};

/** Lets the SDK register whatever it can before the test looks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("a service that waits for another waits with what runs it, not with its files", () => {
    for (const [runtime, make, runs, files] of [
        ["containers", (dep: pulumi.Resource) => new ContainerService("svc", { ...spec, containerName: "p-api" }, { dependsOn: [dep] }), "svc-container", ["svc-files", "svc-files-init"]],
        ["swarm", (dep: pulumi.Resource) => new SwarmService("svc", { ...spec, serviceName: "p-api", secretSalt: "p:s", updateMonitorSeconds: 5, stopGraceSeconds: 10, dataNodeConstraints: [] }, { dependsOn: [dep] }), "svc-service", ["svc-config-app.json", "svc-secret-key"]],
    ] as const) {
        it(`${runtime}: its files exist before the dependency does, and ${runs} only after it`, async () => {
            const mocks = new HoldingMocks("database");
            await pulumi.runtime.setMocks(mocks, "ade", `depends-${runtime}`, false);
            const database = new Thing("database");
            make(database);
            await settle();
            expect(mocks.created).to.include.members([...files]);
            expect(mocks.created).not.to.include(runs);
            mocks.release();
            await settle();
            expect(mocks.created.indexOf(runs)).to.be.greaterThan(mocks.created.indexOf("database"));
        });
    }
});

describe("splitDependsOn", () => {
    it("takes a list or one resource off the component's options, keeping the rest", async () => {
        await pulumi.runtime.setMocks(new HoldingMocks("none"), "ade", "split", false);
        const a = new Thing("a");
        const b = new Thing("b");
        expect(splitDependsOn({ dependsOn: [a, b], protect: true })).to.deep.equal({ component: { protect: true }, after: [a, b] });
        expect(splitDependsOn({ dependsOn: a })).to.deep.equal({ component: {}, after: [a] });
        expect(splitDependsOn({})).to.deep.equal({ component: {}, after: [] });
    });

    it("refuses an output, whose resources it cannot list without waiting", () => {
        expect(() => splitDependsOn({ dependsOn: pulumi.output([]) })).to.throw(TypeError, "a service's dependsOn must be a resource or a list of resources, not an output or a promise of them");
    });
});
