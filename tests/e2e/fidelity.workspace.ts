/**
 * The fidelity suite's workspace: small inline Pulumi programs run by the real
 * engine (Automation API) with a private PULUMI_HOME holding the installed
 * docker and command plugins and a file state backend, and what the engine
 * planned for each resource, read from its events.
 */
import { EngineEvent, LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerObjects, installPlugins, removeDockerObjects } from "./harness";
import { expect } from "chai";
import { DiffKind, Expectation, Op, PlanStep } from "./fidelity.expectations";

/** Every Docker object the suite makes is named with this prefix. */
export const PREFIX = "ade-fid";

/** What the engine planned for one resource: its operation and the changed top-level properties. */
export type Plan = Record<string, PlanStep>;

/** Runs what the expectation says must fail; checks the error against it and returns the error (with the plan, when an up failed). */
export async function expectFailure(run: () => Promise<unknown>, e: Expectation): Promise<Error & { plan?: Plan }> {
    try {
        await run();
    } catch (error) {
        expect(String(error), `${e.behaviour}\n      source: ${e.source}`).to.match(e.error ?? /./);
        return error as Error & { plan?: Plan };
    }
    throw new Error(`expected a failure: ${e.behaviour}`);
}

export class FidelityWorkspace {
    readonly dir: string;
    private readonly pulumiHome: string;
    private readonly stateDir: string;
    private readonly stacks: Stack[] = [];

    /** `prefix` names the project, the directory and every Docker object the suite makes. */
    constructor(readonly prefix = PREFIX) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
        this.pulumiHome = path.join(this.dir, "home");
        this.stateDir = path.join(this.dir, "state");
        fs.mkdirSync(this.pulumiHome);
        fs.mkdirSync(this.stateDir);
        installPlugins(this.pulumiHome);
    }

    /** A stack of the project named by the prefix, running `program` with `env` added to the engine's environment; each scenario has its own. */
    async stack(name: string, program: PulumiFn, env: Record<string, string> = {}): Promise<ScenarioStack> {
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: name, projectName: this.prefix, program },
            {
                workDir: this.dir,
                pulumiHome: this.pulumiHome,
                projectSettings: { name: this.prefix, runtime: "nodejs", backend: { url: `file://${this.stateDir}` } },
                envVars: {
                    PULUMI_CONFIG_PASSPHRASE: "ade-fid",
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
                    ...env,
                },
            },
        );
        this.stacks.push(stack);
        return new ScenarioStack(stack);
    }

    /** The stack's state file as the backend stores it (secrets encrypted). */
    storedState(stack: ScenarioStack): string {
        return fs.readFileSync(path.join(this.stateDir, ".pulumi", "stacks", this.prefix, `${stack.stack.name}.json`), "utf8");
    }

    /** Destroys every stack, removes what is left with the prefix, and the directory. */
    async cleanUp(): Promise<void> {
        for (const stack of this.stacks) {
            try {
                await stack.destroy();
            } catch {
                // A stack that failed half-way: the sweep below removes what is left.
            }
        }
        removeDockerObjects(dockerObjects(`${this.prefix}-`));
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export class ScenarioStack {
    constructor(readonly stack: Stack) {}

    /** Runs up; on failure the error carries the plan so far (`plan`). `steps` are the steps done, "<op> <name>", in the order they ended. */
    async up(): Promise<{ plan: Plan; outputs: Record<string, unknown>; steps: string[] }> {
        const events: EngineEvent[] = [];
        try {
            const result = await this.stack.up({ onEvent: (e) => events.push(e) });
            return { plan: planOf(events), outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value])), steps: stepsOf(events) };
        } catch (error) {
            throw Object.assign(error as Error, { plan: planOf(events) });
        }
    }

    async preview(refresh = false): Promise<Plan> {
        const events: EngineEvent[] = [];
        await this.stack.preview({ refresh, onEvent: (e) => events.push(e) });
        return planOf(events);
    }

    async refresh(): Promise<void> {
        await this.stack.refresh();
    }

    /** The stored outputs of each resource (not the stack, not providers), by name. */
    async outputs(): Promise<Record<string, Record<string, unknown>>> {
        const exported = await this.stack.exportStack();
        const resources = (exported.deployment as { resources?: { urn: string; type: string; outputs?: Record<string, unknown> }[] }).resources ?? [];
        return Object.fromEntries(resources.filter((r) => !ignored(r.type)).map((r) => [nameOf(r.urn), r.outputs ?? {}]));
    }
}

function ignored(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function stepsOf(events: EngineEvent[]): string[] {
    return events.flatMap((e) => {
        const m = e.resOutputsEvent?.metadata;
        return m === undefined || ignored(m.type) ? [] : [`${m.op} ${nameOf(m.urn)}`];
    });
}

const REPLACE_STEPS = new Set(["replace", "create-replacement", "delete-replaced"]);

/** One step per resource (a replacement's three steps as one "replace"), skipping the stack and providers. */
function planOf(events: EngineEvent[]): Plan {
    const ops: Record<string, Op> = {};
    const diffs: Record<string, Record<string, DiffKind>> = {};
    for (const event of events) {
        const m = event.resourcePreEvent?.metadata;
        if (m === undefined || ignored(m.type)) continue;
        const name = nameOf(m.urn);
        ops[name] = REPLACE_STEPS.has(m.op) || ops[name] === "replace" ? "replace" : (m.op as Op);
        const diff = (diffs[name] ??= {});
        for (const [key, d] of Object.entries(m.detailedDiff ?? {})) {
            const head = /^[^.[]+/.exec(key)?.[0] ?? key;
            // A change inside a property is an update of that property (as the CLI shows it).
            const kind = head === key ? (d.diffKind as DiffKind) : d.diffKind.endsWith("replace") ? "update-replace" : "update";
            diff[head] = diff[head] === undefined || diff[head] === kind ? kind : kind.endsWith("replace") ? "update-replace" : "update";
        }
    }
    return Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, Object.keys(diffs[name] ?? {}).length > 0 ? { op, diff: diffs[name] } : { op }]));
}
