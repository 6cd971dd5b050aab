import { expect } from "chai";
import { containerTimes, ContainerEvent, describeChain, engineSteps, slowestChain, StateResource, waitEdges, WaitEdge } from "./timeline";

describe("benchmark timelines", () => {
    const events: ContainerEvent[] = [
        { container: "p-postgres", action: "create", at: 1.0 },
        { container: "p-postgres", action: "start", at: 1.2 },
        { container: "p-postgres", action: "health_status: healthy", at: 4.2 },
        { container: "p-api", action: "start", at: 4.5 },
        { container: "p-api", action: "health_status: healthy", at: 6.5 },
        { container: "p-prometheus", action: "start", at: 1.1 },
        { container: "p-prometheus", action: "health_status: healthy", at: 5.6 },
        { container: "p-prometheus", action: "health_status: healthy", at: 9.0 },
    ];

    it("takes each container's first start and the first healthy probe after it, within the run's window", () => {
        const times = containerTimes([...events, { container: "p-api", action: "start", at: 20 }], 0, 10);
        expect(times.get("p-postgres")).to.deep.equal({ create: 1.0, start: 1.2, healthy: 4.2 });
        expect(times.get("p-prometheus")).to.deep.equal({ start: 1.1, healthy: 5.6 });
        expect(times.get("p-api")).to.deep.equal({ start: 4.5, healthy: 6.5 });
    });

    it("finds the slowest chain of health waits, not the slowest container", () => {
        const edges = new Map<string, WaitEdge[]>([["p-api", [{ on: "p-postgres", healthy: true }]]]);
        const chain = slowestChain(["p-api", "p-postgres", "p-prometheus"], edges, containerTimes(events, 0, 10));
        expect(chain.seconds).to.be.closeTo(5.0, 1e-9);
        expect(describeChain(chain, "p-")).to.equal("postgres 3.0 s -> api 2.0 s");
    });

    it("does not add a dependency that is waited for only until created", () => {
        const edges = new Map<string, WaitEdge[]>([["p-api", [{ on: "p-postgres", healthy: false }]]]);
        const chain = slowestChain(["p-api", "p-postgres", "p-prometheus"], edges, containerTimes(events, 0, 10));
        expect(describeChain(chain, "p-")).to.equal("prometheus 4.5 s");
    });

    it("names a container that never reported healthy", () => {
        expect(() => slowestChain(["p-db"], new Map(), containerTimes([{ container: "p-db", action: "start", at: 1 }], 0, 10))).to.throw(
            "p-db: no start and healthy events in Docker's event stream for this run",
        );
    });

    it("derives waits from the engine's dependencies, through resources that are not long-running containers and through parents", () => {
        const container = (name: string, wait: boolean, dependencies: string[], parent?: string): StateResource => ({
            urn: `urn:${name}`,
            type: "docker:index/container:Container",
            parent,
            dependencies,
            inputs: { name, wait },
            outputs: { name },
        });
        const resources: StateResource[] = [
            container("p-postgres", true, ["urn:vol"]),
            { urn: "urn:vol", type: "docker:index/volume:Volume" },
            { urn: "urn:api", type: "ade:platform:ContainerService", dependencies: ["urn:p-postgres"] },
            container("p-api-files", false, ["urn:vol"], "urn:api"),
            container("p-api", false, ["urn:p-api-files"], "urn:api"),
            container("p-grafana", true, ["urn:p-api"]),
            container("p-prometheus", true, ["urn:vol"]),
        ];
        const edges = waitEdges(resources, ["p-api", "p-grafana", "p-postgres", "p-prometheus"]);
        expect(Object.fromEntries(edges)).to.deep.equal({
            "p-postgres": [],
            "p-api": [{ on: "p-postgres", healthy: true }],
            "p-grafana": [{ on: "p-api", healthy: false }],
            "p-prometheus": [],
        });
    });

    it("stamps each resource's step with when its events arrived", () => {
        const line = (at: number, event: object) => ({ at, text: JSON.stringify(event) });
        const steps = engineSteps([
            line(0.5, { resourcePreEvent: { metadata: { urn: "urn::a", type: "docker:index/volume:Volume", op: "create" } } }),
            { at: 0.6, text: "not an event" },
            line(0.9, { resOutputsEvent: { metadata: { urn: "urn::a" } } }),
            line(1.0, { resourcePreEvent: { metadata: { urn: "urn::b", type: "docker:index/container:Container", op: "create" } } }),
        ]);
        expect(steps).to.deep.equal([
            { urn: "urn::a", type: "docker:index/volume:Volume", op: "create", start: 0.5, end: 0.9 },
            { urn: "urn::b", type: "docker:index/container:Container", op: "create", start: 1.0 },
        ]);
    });
});
