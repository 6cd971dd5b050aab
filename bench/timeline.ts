/**
 * What the engine's event stream and Docker's events say about one run, as
 * pure functions: when each resource's step started and ended, when each
 * container started and first reported healthy, which container waits for
 * which, and the slowest such chain (the floor no orchestrator can beat
 * with the same dependencies and healthchecks).
 */

/** One Docker event of a container, its time in seconds on the same clock as the run's. */
export interface ContainerEvent {
    readonly container: string;
    /** Docker's action: create, start, die, destroy, `health_status: healthy`, ... */
    readonly action: string;
    readonly at: number;
}

/** A container waits for another: healthy (a wait for its healthcheck) or only created. */
export interface WaitEdge {
    readonly on: string;
    readonly healthy: boolean;
}

export interface ContainerTimes {
    readonly create?: number;
    readonly start?: number;
    /** The first `health_status: healthy` after its start: the first probe that passed. */
    readonly healthy?: number;
    readonly die?: number;
}

/** The first of each action per container, at or after `from` and before `to`. */
export function containerTimes(events: readonly ContainerEvent[], from: number, to: number): Map<string, ContainerTimes> {
    const times = new Map<string, { create?: number; start?: number; healthy?: number; die?: number }>();
    for (const e of [...events].sort((a, b) => a.at - b.at)) {
        if (e.at < from || e.at > to) continue;
        const t = times.get(e.container) ?? {};
        if (e.action === "create") t.create ??= e.at;
        if (e.action === "start") t.start ??= e.at;
        if (e.action === "health_status: healthy" && t.start !== undefined) t.healthy ??= e.at;
        if (e.action === "die" && t.start !== undefined) t.die ??= e.at;
        times.set(e.container, t);
    }
    return times;
}

export interface Chain {
    /** Seconds: the sum, along the chain, of each container's start to first healthy probe. */
    readonly seconds: number;
    /** From the first container started to the last, each with its start -> healthy seconds. */
    readonly links: readonly { readonly container: string; readonly seconds: number }[];
}

/**
 * The slowest chain of containers that wait for one another's health: a container's
 * own start -> healthy, plus the slowest chain of the containers it waits healthy for.
 * Throws when a container in `names` never started or never reported healthy.
 */
export function slowestChain(names: readonly string[], edges: ReadonlyMap<string, readonly WaitEdge[]>, times: ReadonlyMap<string, ContainerTimes>): Chain {
    const memo = new Map<string, Chain>();
    const chainOf = (name: string, seen: readonly string[]): Chain => {
        if (seen.includes(name)) throw new Error(`containers wait for one another in a cycle: ${[...seen, name].join(" -> ")}`);
        const known = memo.get(name);
        if (known !== undefined) return known;
        const t = times.get(name);
        if (t?.start === undefined || t.healthy === undefined) throw new Error(`${name}: no start and healthy events in Docker's event stream for this run`);
        const own = t.healthy - t.start;
        let before: Chain = { seconds: 0, links: [] };
        for (const edge of edges.get(name) ?? []) {
            if (!edge.healthy) continue;
            const candidate = chainOf(edge.on, [...seen, name]);
            if (candidate.seconds > before.seconds) before = candidate;
        }
        const chain = { seconds: before.seconds + own, links: [...before.links, { container: name, seconds: own }] };
        memo.set(name, chain);
        return chain;
    };
    let slowest: Chain = { seconds: 0, links: [] };
    for (const name of names) {
        const chain = chainOf(name, []);
        if (chain.seconds > slowest.seconds) slowest = chain;
    }
    return slowest;
}

/** `postgres 3.1 s -> api 2.0 s`, container names shortened by `prefix`. */
export function describeChain(chain: Chain, prefix: string): string {
    return chain.links.map((l) => `${l.container.startsWith(prefix) ? l.container.slice(prefix.length) : l.container} ${l.seconds.toFixed(1)} s`).join(" -> ");
}

/** A resource in a stack's exported state, as much as the bench reads of it. */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly custom?: boolean;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
}

/**
 * Which long-running container waits for which, from the engine's recorded
 * dependencies: a container depends on another when a path of dependencies
 * leads from it to the other's resource (through one-shot containers,
 * volumes, images...), and the wait is for health when the other's `wait` input
 * is set (the provider then finishes its step only once Docker reports healthy).
 * A resource also waits for what its parents depend on (a component's
 * `dependsOn` is recorded on the component; its children register after it).
 */
export function waitEdges(resources: readonly StateResource[], names: readonly string[]): Map<string, WaitEdge[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const dependenciesOf = (r: StateResource): string[] => {
        const own = [...(r.dependencies ?? [])];
        for (let parent = r.parent === undefined ? undefined : byUrn.get(r.parent); parent !== undefined; parent = parent.parent === undefined ? undefined : byUrn.get(parent.parent)) {
            own.push(...(parent.dependencies ?? []));
        }
        return own;
    };
    const containerName = (r: StateResource) => (r.type === "docker:index/container:Container" ? stateName(r) : undefined);
    const edges = new Map<string, WaitEdge[]>();
    for (const r of resources) {
        const name = containerName(r);
        if (name === undefined || !names.includes(name)) continue;
        const found = new Map<string, WaitEdge>();
        const seen = new Set<string>();
        const stack = dependenciesOf(r);
        while (stack.length > 0) {
            const urn = stack.pop() as string;
            if (seen.has(urn)) continue;
            seen.add(urn);
            const dep = byUrn.get(urn);
            if (dep === undefined) continue;
            const depName = containerName(dep);
            if (depName !== undefined && names.includes(depName) && depName !== name) {
                found.set(depName, { on: depName, healthy: dep.inputs?.["wait"] === true });
                continue; // what it waits for is that container's own business
            }
            stack.push(...dependenciesOf(dep));
        }
        edges.set(name, [...found.values()].sort((a, b) => a.on.localeCompare(b.on)));
    }
    return edges;
}

/** One engine step of a resource: from its pre-event to its outputs (or failure) event, seconds since `pulumi up` started. */
export interface Step {
    readonly urn: string;
    readonly type: string;
    readonly op: string;
    readonly start: number;
    readonly end?: number;
}

/** The steps of `pulumi up --json` (one engine event per line), stamped with when each line arrived. */
export function engineSteps(lines: readonly { readonly at: number; readonly text: string }[]): Step[] {
    const steps = new Map<string, { urn: string; type: string; op: string; start: number; end?: number }>();
    for (const line of lines) {
        if (!line.text.startsWith("{")) continue;
        let event: Record<string, { metadata?: { urn?: string; type?: string; op?: string } } | undefined>;
        try {
            event = JSON.parse(line.text) as typeof event;
        } catch {
            continue; // --json prints one event per line; anything else is not an event
        }
        const pre = event["resourcePreEvent"]?.metadata;
        const done = (event["resOutputsEvent"] ?? event["resOpFailedEvent"])?.metadata;
        if (pre?.urn !== undefined && !steps.has(pre.urn)) steps.set(pre.urn, { urn: pre.urn, type: pre.type ?? "", op: pre.op ?? "", start: line.at });
        if (done?.urn !== undefined) {
            const step = steps.get(done.urn);
            if (step !== undefined && step.end === undefined) step.end = line.at;
        }
    }
    return [...steps.values()];
}

/** The resource's name, the last part of its URN. */
export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** A container's name as the state holds it (outputs, else inputs). */
export function stateName(r: StateResource): string {
    const name = r.outputs?.["name"] ?? r.inputs?.["name"];
    return typeof name === "string" ? name : "";
}
