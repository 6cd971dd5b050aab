/**
 * Where `ade` finds the project, the Pulumi CLI, the state backend and each
 * stack's passphrase, and how it opens a stack with the Automation API.
 */
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../core/errors";

/** Stacks whose sample passphrase is documented for local use (README: "Stacks and secrets"). */
export const LOCAL_PASSPHRASES: Readonly<Record<string, string>> = {
    development: "ade-local-development",
    testing: "ade-local-testing",
};

/** The project directory: `ADE_PROJECT_DIR`, else the nearest parent of the cwd with a Pulumi.yaml. */
export function projectRoot(start: string = process.env["ADE_PROJECT_DIR"] ?? process.cwd()): string {
    let dir = path.resolve(start);
    for (;;) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        const parent = path.dirname(dir);
        if (parent === dir) throw new UserError(`no Pulumi.yaml in ${start} or its parents: run ade inside the project (or set ADE_PROJECT_DIR)`);
        dir = parent;
    }
}

export function stackFile(root: string, stack: string): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stack names that have a stack file in the project. */
export function knownStacks(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function requireKnownStack(root: string, stack: string): void {
    const known = knownStacks(root);
    if (!known.includes(stack)) {
        throw new UserError(`unknown stack "${stack}" (known: ${known.join(", ")}); create it with: pulumi stack init ${stack}`);
    }
}

/**
 * The passphrase of a stack: `ADE_PASSPHRASE_<STACK>`, then `PULUMI_CONFIG_PASSPHRASE`,
 * then the documented local default (development and testing only).
 */
export function passphraseFor(stack: string, env: NodeJS.ProcessEnv = process.env): string {
    const own = env[`ADE_PASSPHRASE_${stack.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`];
    const value = own ?? env["PULUMI_CONFIG_PASSPHRASE"] ?? LOCAL_PASSPHRASES[stack];
    if (value === undefined || value === "") {
        throw new UserError(
            `no passphrase for stack "${stack}": set ADE_PASSPHRASE_${stack.toUpperCase()} (or PULUMI_CONFIG_PASSPHRASE) to the passphrase its secrets are encrypted with`,
        );
    }
    return value;
}

/** The state backend: `PULUMI_BACKEND_URL`, else a local file backend in the project (no account needed). */
export function backendUrl(root: string, env: NodeJS.ProcessEnv = process.env): string {
    const url = env["PULUMI_BACKEND_URL"];
    if (url !== undefined && url !== "") return url;
    const dir = path.join(root, ".pulumi-state");
    fs.mkdirSync(dir, { recursive: true });
    return `file://${dir}`;
}

let command: Promise<PulumiCommand> | undefined;

/** The Pulumi CLI on PATH (toolchain/env.sh puts the project's own build there). */
export function pulumiCommand(): Promise<PulumiCommand> {
    command ??= PulumiCommand.get({ skipVersionCheck: true });
    return command;
}

/** Environment every Pulumi invocation of `ade` gets for `stack`. */
export function stackEnv(root: string, stack: string): Record<string, string> {
    return {
        PULUMI_CONFIG_PASSPHRASE: passphraseFor(stack),
        PULUMI_BACKEND_URL: backendUrl(root),
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
}

/**
 * Opens a stack of the project with the Automation API, creating its state in
 * the backend on first use (the stack file, with its encryption salt, stays as is).
 */
export async function openStack(root: string, stack: string): Promise<Stack> {
    requireKnownStack(root, stack);
    const ws = await LocalWorkspace.create({ workDir: root, envVars: stackEnv(root, stack), pulumiCommand: await pulumiCommand() });
    return Stack.createOrSelect(stack, ws);
}
