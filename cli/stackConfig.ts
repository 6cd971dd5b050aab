/**
 * A stack's config as `ade promote` and `ade env import` change it: the stack
 * file is read and edited as YAML, and the Automation API proves, before and
 * after every write, that Pulumi reads the same config and that the stack's
 * own passphrase still decrypts its secrets.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { isDeepStrictEqual } from "util";
import { parseConfigValue } from "../config/validate";
import { backupChange, readStackFile, StackFile } from "../stacks/stackFile";
import { writeFiles } from "../core/files";
import { UserError } from "../core/errors";
import { printable } from "../core/text";
import { openStack, passphraseFor, passphraseVariable, pulumiCommand, requireKnownStack, stackFile } from "./workspace";

export interface VerifiedStack {
    readonly file: StackFile;
    readonly automation: Stack;
    /** Pulumi's view of the config, secrets decrypted: held in memory to compare, never printed. */
    readonly decrypted: ConfigMap;
}

/** Reads the stack file only: enough for plans and diffs, no passphrase needed. `role` names the argument in errors. */
export function readStack(root: string, project: string, stack: string, role?: string): StackFile {
    requireKnownStack(root, stack, role);
    return readStackFile(stackFile(root, stack), stack, project);
}

/** Reads the stack file and checks with Pulumi that the passphrase decrypts it and that Pulumi reads the same values. */
export async function readVerifiedStack(root: string, project: string, stack: string): Promise<VerifiedStack> {
    const file = readStack(root, project, stack);
    passphraseFor(stack);
    try {
        await pulumiCommand();
    } catch (error) {
        throw new UserError(`the Pulumi CLI is not available (${firstLine(error)}): run \`source toolchain/env.sh\`, which puts it on PATH`);
    }
    const automation = await pulumi(stack, () => openStack(root, stack));
    const decrypted = await pulumi(stack, () => automation.getAllConfig());
    checkSameConfig(file, project, decrypted);
    return { file, automation, decrypted };
}

export interface WriteOptions {
    /** Runs after the new file is in place, before the verification (env import sets its secrets here). */
    readonly afterWrite?: (automation: Stack) => Promise<void>;
    /** Secrets the write sets on purpose, with their new values; every other secret must decrypt to what it was. */
    readonly newSecrets?: ReadonlyMap<string, string>;
}

/**
 * Backs up the stack file and writes the new text, as one write (core/files.ts),
 * then proves the result: the stack still decrypts with its own passphrase, its
 * secrets are unchanged, Pulumi reads what the file says. On any failure the
 * file is put back and the backup removed, so nothing has changed.
 * Returns the backup's path.
 */
export async function writeVerifiedStack(root: string, project: string, target: VerifiedStack, text: string, options: WriteOptions = {}): Promise<string> {
    const { stack } = target.file.view;
    const backup = backupChange(root, stack, target.file.text);
    const written = writeFiles([backup, { file: target.file.file, text }]);
    try {
        await options.afterWrite?.(target.automation);
        const after = await pulumi(stack, () => target.automation.getAllConfig());
        checkSameConfig(readStackFile(target.file.file, stack, project), project, after);
        for (const [fullKey, before] of Object.entries(target.decrypted).filter(([, v]) => v.secret)) {
            const key = fullKey.slice(fullKey.indexOf(":") + 1);
            const expected = options.newSecrets?.get(key) ?? before.value;
            if (after[fullKey]?.value !== expected) throw new Error(`secret ${key} of stack ${stack} does not decrypt to its value after the write`);
        }
        for (const [key, value] of options.newSecrets ?? []) {
            const got = after[`${project}:${key}`];
            if (got?.secret !== true || got.value !== value) throw new Error(`secret ${key} of stack ${stack} was not stored encrypted with the value given`);
        }
    } catch (error) {
        written.rollback();
        throw error;
    }
    return backup.file;
}

/** Runs one Automation API call, turning the failures a user can fix into one-line errors. */
async function pulumi<T>(stack: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        const text = String((error as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? (error as Error).message);
        const variable = passphraseVariable(stack);
        if (/incorrect passphrase/i.test(text)) {
            throw new UserError(`stack "${printable(stack)}": incorrect passphrase, its secrets do not decrypt: set ${variable} (or PULUMI_CONFIG_PASSPHRASE) to the passphrase they were encrypted with`);
        }
        if (/passphrase must be set|PULUMI_CONFIG_PASSPHRASE/i.test(text)) {
            throw new UserError(`stack "${printable(stack)}": no passphrase: set ${variable} (or PULUMI_CONFIG_PASSPHRASE) to the passphrase its secrets were encrypted with`);
        }
        throw new UserError(`stack "${printable(stack)}": pulumi failed: ${printable(text.trim().split("\n").filter((l) => l.startsWith("error:")).join(" ") || firstLine(error), 400)}`);
    }
}

/** The file and Pulumi must agree, or an edit of the file would not be what Pulumi deploys. */
function checkSameConfig(file: StackFile, project: string, pulumiConfig: ConfigMap): void {
    const { stack, values, secrets } = file.view;
    for (const [key, value] of Object.entries(values)) {
        const seen = pulumiConfig[`${project}:${key}`];
        if (seen === undefined || seen.secret || !isDeepStrictEqual(parseConfigValue(key, seen.value), value)) {
            throw new UserError(
                `${printable(file.file)}: Pulumi reads ${printable(key)} differently from the YAML (${seen === undefined ? "absent" : seen.secret ? "as a secret" : printable(seen.value)}); write it as Pulumi stores it: pulumi config set --path ${printable(key)} <value> --stack ${printable(stack)}`,
            );
        }
    }
    for (const key of secrets) {
        if (pulumiConfig[`${project}:${key}`]?.secret !== true) {
            throw new UserError(`${printable(file.file)}: Pulumi does not read ${printable(key)} as a secret; set it again with: pulumi config set --secret ${printable(key)} <value> --stack ${printable(stack)}`);
        }
    }
}

function firstLine(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
