/**
 * The one mocks helper of the unit tests: records every resource the program
 * registers and refuses invokes it does not know.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SOURCE_ROOT } from "../core/paths";
import { useSecretHashCost } from "../components/swarmService";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

export const PROJECT = "ade";
export const ROOT = SOURCE_ROOT;

/** Fake values the tests give the stack's secrets; they must never show up in plain inputs. */
export const FAKE_SECRETS: Record<string, string> = {
    databasePassword: "db-pass-7f3a9c",
    grafanaAdminPassword: "grafana-pass-51be20",
    appSecretKey: "app-key-c0ffee42",
    alertWebhookToken: "alert-token-9d1e77",
};

/** A stack file's `config:` block, with `secure:` values replaced by the fake secrets. */
export function stackFileConfig(stack: string): { config: Record<string, string>; secretKeys: string[] } {
    const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return toRuntimeConfig(file.config);
}

/** Turns `ade:key: value` entries into what the Pulumi runtime hands a program. */
export function toRuntimeConfig(entries: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(entries)) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            const name = key.slice(key.indexOf(":") + 1);
            config[key] = FAKE_SECRETS[name] ?? "fake-secret";
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

/** The image id the mocks give an image reference: `sha256:` and the reference, readable in assertions. */
export function fakeImageId(ref: string): string {
    return `sha256:${ref}`;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    public readonly resources: RecordedResource[] = [];
    /** Every invoke the program made, by token, with its arguments. */
    public readonly calls: { token: string; inputs: Record<string, unknown> }[] = [];

    /**
     * @param missingImages image references neither on the Docker host nor in a registry;
     *   every other image is on the host.
     */
    constructor(private readonly missingImages: ReadonlySet<string> = new Set()) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "command:local:Command") state["stdout"] = `ran ${args.name}`;
        if (args.type === "docker:index/remoteImage:RemoteImage") state["imageId"] = fakeImageId(String(args.inputs["name"]));
        // Without a push, the real provider reports the local image id as the repo digest.
        if (args.type === "docker:index/image:Image") state["repoDigest"] = fakeImageId(String(args.inputs["imageName"]));
        return { id: `${args.name}-id`, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        // The SDK reports a failed invoke by the RPC error's `details`, as the engine's gRPC errors carry it.
        const fail = (message: string) => Object.assign(new Error(message), { details: message });
        const name = String((args.inputs as { name?: unknown }).name);
        switch (args.token) {
            case "docker:index/getRemoteImage:getRemoteImage":
                if (this.missingImages.has(name)) throw fail(`did not find docker image '${name}'`);
                return { id: fakeImageId(name), name, repoDigest: "" };
            case "docker:index/getRegistryImage:getRegistryImage":
                if (this.missingImages.has(name)) throw fail("Got bad response from registry: 404 Not Found");
                return { id: name, name, sha256Digest: "sha256:0000" };
            default:
                throw new Error(`Mock not implemented: ${args.token}`);
        }
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(name: string): RecordedResource {
        const found = this.resources.find((r) => r.name === name);
        if (found === undefined) throw new Error(`no resource named ${name}; have: ${this.resources.map((r) => r.name).join(", ")}`);
        return found;
    }
}

/** The signature key Pulumi wraps secret values in when it hands them to mocks. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A recorded input's plain value, whether or not the engine wrapped it as a secret. */
export function unwrapSecret(value: unknown): unknown {
    return typeof value === "object" && value !== null && SECRET_SIG in value ? (value as unknown as { value: unknown }).value : value;
}

/** Resolves an Output (or a plain value) the way a test wants it. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

const PROGRAM = require.resolve("../index");

/**
 * The cheapest scrypt for secrets' names: still salted and still 12 hex digits, at a
 * fraction of a millisecond instead of production's tens (components/swarmService.ts).
 */
export const TEST_SECRET_HASH_COST = { N: 2, r: 1, p: 1 };

/** The cost the program names secrets with when no test changes it; components/swarmService.test.ts holds it to production's. */
export const PROGRAM_SECRET_HASH_COST = useSecretHashCost(TEST_SECRET_HASH_COST);

/**
 * No image mirrors unless a test names a file: the machine's own mirror file
 * (toolchain/build-images.sh writes one) must not change what unit tests see.
 */
export const NO_IMAGE_MIRRORS = path.join(ROOT, "tests", "no-such-image-mirrors.json");

/**
 * Runs the real program (index.ts) against mocks for one stack and returns the
 * recorded resources and the program's exports.
 */
export async function runProgram(
    stack: string,
    config: { config: Record<string, string>; secretKeys: string[] } = stackFileConfig(stack),
    project: string = PROJECT,
    mocks: RecordingMocks = new RecordingMocks(),
    imageMirrors: string = NO_IMAGE_MIRRORS,
): Promise<{ mocks: RecordingMocks; outputs: Record<string, pulumi.Output<unknown>> }> {
    process.env["ADE_IMAGE_MIRRORS"] = imageMirrors;
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    pulumi.runtime.setAllConfig(config.config, config.secretKeys);
    const program = ((await import(PROGRAM)) as { default: () => Promise<Record<string, pulumi.Output<unknown>>> }).default;
    const outputs = await withoutPromiseStacks(async () => {
        const exported = await program();
        // Let every registration settle before the test inspects them.
        await valueOf(exported["containerNames"] ?? pulumi.output(undefined));
        await valueOf(exported["healthReport"] ?? pulumi.output(undefined));
        return exported;
    });
    return { mocks, outputs };
}

/**
 * Runs `fn` with V8 capturing no stack frames. The SDK records a stack trace for
 * every promise behind every output property, only to describe leaked promises,
 * which mocks never print; capturing and formatting those traces was most of a
 * mocked evaluation's CPU time. The SDK still captures the frames it needs for
 * resources' source positions (it raises the limit itself there).
 */
export async function withoutPromiseStacks<T>(fn: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await fn();
    } finally {
        Error.stackTraceLimit = limit;
    }
}
