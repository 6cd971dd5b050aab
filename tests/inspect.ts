/**
 * Reading the resources a mocked evaluation recorded, the way the component
 * tests look at them: containers and Swarm services, their environment, ports,
 * networks, files and secrets.
 */
import { RecordingMocks, runProgram, SECRET_SIG } from "./mocks";

export const CONTAINER = "docker:index/container:Container";
export const SERVICE = "docker:index/service:Service";
export const NETWORK = "docker:index/network:Network";
export const VOLUME = "docker:index/volume:Volume";
export const SECRET = "docker:index/secret:Secret";
export const CONFIG = "docker:index/serviceConfig:ServiceConfig";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
export const COMMAND = "command:local:Command";

export type Inputs = Record<string, unknown>;
export const STACKS = ["development", "testing", "production"] as const;

const evaluated = new Map<string, Promise<RecordingMocks>>();

/** The resources the committed stack file makes the program register; evaluated once per stack. */
export function resourcesOf(stack: string): Promise<RecordingMocks> {
    let mocks = evaluated.get(stack);
    if (mocks === undefined) {
        mocks = runProgram(stack).then((r) => r.mocks);
        evaluated.set(stack, mocks);
    }
    return mocks;
}

/** The long-running containers (not the one-shot ones that deliver files). */
export function containers(mocks: RecordingMocks): Inputs[] {
    return mocks
        .ofType(CONTAINER)
        .map((r) => r.inputs)
        .filter((c) => c["mustRun"] !== false);
}

export function fileDeliverers(mocks: RecordingMocks): Inputs[] {
    return mocks
        .ofType(CONTAINER)
        .map((r) => r.inputs)
        .filter((c) => c["mustRun"] === false);
}

export function container(mocks: RecordingMocks, dockerName: string): Inputs {
    const found = mocks.ofType(CONTAINER).map((r) => r.inputs).find((c) => c["name"] === dockerName);
    if (found === undefined) throw new Error(`no container ${dockerName}; have ${mocks.ofType(CONTAINER).map((c) => String(c.inputs["name"])).join(", ")}`);
    return found;
}

export function services(mocks: RecordingMocks): Inputs[] {
    return mocks.ofType(SERVICE).map((r) => r.inputs);
}

export function service(mocks: RecordingMocks, dockerName: string): Inputs {
    const found = services(mocks).find((s) => s["name"] === dockerName);
    if (found === undefined) throw new Error(`no service ${dockerName}; have ${services(mocks).map((s) => String(s["name"])).join(", ")}`);
    return found;
}

/** A Swarm service's container spec. */
export function spec(s: Inputs): Inputs {
    return (s["taskSpec"] as { containerSpec: Inputs }).containerSpec;
}

export function taskSpec(s: Inputs): Inputs {
    return s["taskSpec"] as Inputs;
}

export function volumesOf(c: Inputs): { volumeName: string; containerPath: string; readOnly?: boolean }[] {
    return c["volumes"] as { volumeName: string; containerPath: string; readOnly?: boolean }[];
}

/** The uploads of a container, whether or not the engine wrapped them as a secret. */
export function uploads(c: Inputs): { file: string; content: string; permissions: string }[] {
    return unwrap(c["uploads"]) as { file: string; content: string; permissions: string }[];
}

export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && SECRET_SIG in value;
}

/** A recorded value without the engine's secret wrapper. */
export function unwrap(value: unknown): unknown {
    return isSecretValue(value) ? (value as { value: unknown }).value : value;
}

export function envOf(c: Inputs): Record<string, string> {
    return Object.fromEntries((c["envs"] as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

export function portsOf(c: Inputs): { internal: number; external: number; ip: string }[] {
    return (c["ports"] as { internal: number; external: number; ip: string }[] | undefined) ?? [];
}

export function networksOf(c: Inputs): string[] {
    return (c["networksAdvanced"] as { name: string }[]).map((n) => n.name);
}

export function labelsOf(c: Inputs): Record<string, string> {
    return Object.fromEntries((c["labels"] as { label: string; value: string }[]).map((l) => [l.label, l.value]));
}
