/**
 * The one mocks helper of the unit tests: records every resource the program
 * registers and refuses invokes it does not know.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

export const PROJECT = "ade";
export const ROOT = path.resolve(__dirname, "..");

/** Fake values the tests give the stack's secrets; they must never show up in plain inputs. */
export const FAKE_SECRETS: Record<string, string> = {
    databasePassword: "db-pass-7f3a9c",
    grafanaAdminPassword: "grafana-pass-51be20",
    appSecretKey: "app-key-c0ffee42",
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

export class RecordingMocks implements pulumi.runtime.Mocks {
    public readonly resources: RecordedResource[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "command:local:Command") state["stdout"] = `ran ${args.name}`;
        return { id: `${args.name}-id`, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        throw new Error(`Mock not implemented: ${args.token}`);
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

const PROGRAM = path.join(ROOT, "index.ts");

/**
 * Runs the real program (index.ts) against mocks for one stack and returns the
 * recorded resources and the program's exports.
 */
export async function runProgram(
    stack: string,
    config: { config: Record<string, string>; secretKeys: string[] } = stackFileConfig(stack),
    project: string = PROJECT,
): Promise<{ mocks: RecordingMocks; outputs: Record<string, pulumi.Output<unknown>> }> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    pulumi.runtime.setAllConfig(config.config, config.secretKeys);
    for (const key of Object.keys(require.cache)) {
        if (!key.includes("node_modules")) delete require.cache[key];
    }
    const outputs = (await import(PROGRAM)) as Record<string, pulumi.Output<unknown>>;
    // Let every registration settle before the test inspects them.
    await valueOf(outputs["containerNames"] ?? pulumi.output(undefined));
    await valueOf(outputs["healthReport"] ?? pulumi.output(undefined));
    return { mocks, outputs };
}
