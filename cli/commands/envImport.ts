/**
 * `ade env import <stack> <file.env>`: migrates a legacy `.env` file into a
 * stack's config through the documented mapping (docs/promotion.md). Secrets
 * are set with the Automation API, encrypted by the stack's own passphrase;
 * plain keys are edited in the stack file like `ade promote` does. Nothing is
 * written when any variable is unknown, malformed or breaks the schema.
 */
import { Command } from "commander";
import * as dotenv from "dotenv";
import * as path from "path";
import { formatProblems, validateStackConfig } from "../../config/validate";
import { envFileProblems, formatEnvImport, planEnvImport } from "../../promotion/envImport";
import { applyEdits } from "../../stacks/edits";
import { editedText, projectName } from "../../stacks/stackFile";
import { confirmWrite } from "../confirm";
import { UserError } from "../../core/errors";
import { readTextFile } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { printable } from "../../core/text";
import { print } from "../output";
import { readVerifiedStack, writeVerifiedStack } from "../stackConfig";
import { otherStacks, projectRoot, requireKnownStack } from "../workspace";

export interface EnvImportCommandOptions {
    readonly stack: string;
    readonly file: string;
    /** Write without asking. */
    readonly yes: boolean;
    /** Variables to import as secrets although their names do not look sensitive. */
    readonly secret: readonly string[];
    /** Variables to import as plain config although their names look sensitive. */
    readonly plain: readonly string[];
    /** Skip variables the mapping does not know. */
    readonly ignoreUnknown: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
    const env = program.command("env").description("migrate legacy .env files into stack config");
    env.command("import")
        .description("import a legacy .env file into a stack's config (secrets encrypted with the stack's passphrase)")
        .argument("<stack>", "stack to write")
        .argument("<file>", ".env file to read")
        .option("-y, --yes", "write without asking (otherwise: ask on a terminal, only show the plan without one)", false)
        .option("--secret <variable>", "treat this variable as sensitive (repeatable)", collect, [])
        .option("--plain <variable>", "treat this variable as not sensitive (repeatable)", collect, [])
        .option("--ignore-unknown", "skip variables the mapping does not know instead of refusing the file", false)
        .action(async (stack: string, file: string, opts: { yes: boolean; secret: string[]; plain: string[]; ignoreUnknown: boolean }) => {
            await envImport({ stack, file, ...opts });
        });
}

export async function envImport(options: EnvImportCommandOptions): Promise<void> {
    const root = projectRoot();
    const { stack } = options;
    requireKnownStack(root, stack);
    const shown = printable(options.file);
    const text = readTextFile(options.file, { fix: "name the .env file to import", named: true });
    const malformed = envFileProblems(options.file, text);
    if (malformed.length > 0) throw new UserError(`${shown} is not a valid .env file; nothing was written:\n${malformed.map((p) => `  ${p}`).join("\n")}`);
    const variables = dotenv.parse(text);
    if (Object.keys(variables).length === 0) {
        print(`Nothing to import: ${shown} sets no variables; nothing was written.\n`);
        return;
    }
    const plan = planEnvImport(variables, stack, options);
    if (plan.problems.length > 0) throw new UserError(`cannot import ${shown} into ${printable(stack)}; nothing was written:\n${plan.problems.map((p) => `  ${p}`).join("\n")}`);

    await withProjectLock(root, `ade env import ${stack} ${options.file}`, async () => {
        const project = projectName(root);
        const target = await readVerifiedStack(root, project, stack);
        const values = applyEdits(target.file.view.values, plan.edits);
        const secrets = new Set([...target.file.view.secrets, ...plan.secrets.map((s) => s.key)]);
        print(`${formatEnvImport(plan, stack, options.file)}\n`);
        const validation = validateStackConfig(stack, { values, secrets }, { otherStacks: otherStacks(root, project, stack) });
        if (!validation.ok) throw new UserError(`importing ${shown} would leave ${printable(stack)} invalid; nothing was written.\n${formatProblems(stack, validation.problems)}`);

        // Secrets that already hold the imported value are not set again: setting one rewrites its ciphertext.
        const newSecrets = plan.secrets.filter((s) => target.decrypted[`${project}:${s.key}`]?.value !== s.value);
        const text = editedText(target.file, project, plan.edits);
        if (text === target.file.text && newSecrets.length === 0) {
            print(`Nothing to write: ${printable(stack)} already has every value of ${shown}.\n`);
            return;
        }
        const file = path.relative(root, target.file.file);
        if (!(await confirmWrite(options.yes, `Write these keys to ${file}?`, `ade env import ${stack} ${options.file} --yes`))) return;
        const backup = await writeVerifiedStack(root, project, target, text, {
            newSecrets: new Map(newSecrets.map((s) => [s.key, s.value])),
            afterWrite: async (automation) => {
                // One at a time: each `pulumi config set` rewrites the stack file.
                for (const { key, value } of newSecrets) {
                    try {
                        await automation.setConfig(`${project}:${key}`, { value, secret: true });
                    } catch (error) {
                        // The Automation API's error repeats the command line, value included: keep only Pulumi's own error lines.
                        const stderr = String((error as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? "").split(value).join("<value>");
                        const reason = stderr.split("\n").filter((l) => l.startsWith("error:")).join(" ") || "see pulumi config set --help";
                        throw new UserError(`stack "${printable(stack)}": setting secret ${key} failed (${printable(reason)}); the stack file was put back as it was`);
                    }
                }
            },
        });
        print(`Wrote ${file} (backup: ${path.relative(root, backup)}; undo with: ade promote --restore ${path.relative(root, backup)} --yes).\n`);
    });
}
