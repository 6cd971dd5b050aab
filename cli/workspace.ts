/**
 * Where `ade` finds the project, the Pulumi CLI, the state backend and each
 * stack's passphrase, and how it opens a stack with the Automation API.
 */
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { readSiblingStacks } from "../config/siblings";
import type { OtherStack } from "../config/ports";
import { UserError } from "../core/errors";
import { ensureDirectory } from "../core/files";
import { nearest } from "../core/suggest";
import { printable } from "../core/text";

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
        if (parent === dir) throw new UserError(`no Pulumi.yaml in ${printable(start)} or its parents: run ade inside the project (or set ADE_PROJECT_DIR)`);
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

/**
 * Refuses a stack the project has no file for, suggesting the nearest known
 * name; `role` says which argument it was ("source", "destination").
 */
export function requireKnownStack(root: string, stack: string, role?: string): void {
    const known = knownStacks(root);
    if (known.includes(stack)) return;
    const guess = nearest(stack, known);
    const what = role === undefined ? "stack" : `${role} stack`;
    const name = printable(stack);
    throw new UserError(
        `unknown ${what} "${name}" (known: ${known.join(", ")}); ` +
            (guess === undefined ? `create it with: pulumi stack init ${name}` : `did you mean ${guess}? (or create it with: pulumi stack init ${name})`),
    );
}

/** The project's other stacks (non-secret values), for the checks across stacks; a file that cannot be read is noted on stderr. */
export function otherStacks(root: string, project: string, stack: string): OtherStack[] {
    const siblings = readSiblingStacks(root, project, stack);
    for (const problem of siblings.unreadable) process.stderr.write(`ade: note: host ports not checked against ${printable(problem)}\n`);
    return [...siblings.stacks];
}

/**
 * The passphrase of a stack: `ADE_PASSPHRASE_<STACK>`, then `PULUMI_CONFIG_PASSPHRASE`,
 * then the documented local default (development and testing only).
 */
export function passphraseFor(stack: string, env: NodeJS.ProcessEnv = process.env): string {
    const own = env[passphraseVariable(stack)];
    const value = own ?? env["PULUMI_CONFIG_PASSPHRASE"] ?? LOCAL_PASSPHRASES[stack];
    if (value === undefined || value === "") {
        throw new UserError(
            `no passphrase for stack "${printable(stack)}": set ${passphraseVariable(stack)} (or PULUMI_CONFIG_PASSPHRASE) to the passphrase its secrets are encrypted with`,
        );
    }
    return value;
}

/** The environment variable that holds a stack's passphrase: `ADE_PASSPHRASE_<STACK>`, other characters as `_`. */
export function passphraseVariable(stack: string): string {
    return `ADE_PASSPHRASE_${stack.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** The state backend: `PULUMI_BACKEND_URL`, else a local file backend in the project (no account needed). */
export function backendUrl(root: string, env: NodeJS.ProcessEnv = process.env): string {
    const url = env["PULUMI_BACKEND_URL"];
    if (url !== undefined && url !== "") return url;
    const dir = path.join(root, ".pulumi-state");
    ensureDirectory(dir);
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
