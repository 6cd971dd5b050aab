/**
 * `ade promote <from> <to>`: copies the promotable config of one stack to the
 * next (docs/promotion.md). Environment-specific keys stay, secrets are never
 * copied, the result is validated before anything is written, and the
 * destination file is backed up first. `ade promote --restore <backup>` undoes it.
 */
import { Command } from "commander";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { formatProblems, validateStackConfig } from "../../config/validate";
import { directionProblem, formatPlan, planPromotion } from "../../promotion/plan";
import { backupStack, editedText, parseStackFile, projectName, restoreStackFile } from "../../stacks/stackFile";
import { confirmWrite } from "../confirm";
import { UserError } from "../../core/errors";
import { readStack, readVerifiedStack, writeVerifiedStack } from "../stackConfig";
import { knownStacks, projectRoot, stackFile } from "../workspace";

export interface PromoteOptions {
    readonly from?: string;
    readonly to?: string;
    /** Write without asking. */
    readonly yes: boolean;
    /** Allow directions other than development → testing → production. */
    readonly allowAnyDirection: boolean;
    /** A backup file to put back instead of promoting. */
    readonly restore?: string;
}

export function register(program: Command): void {
    program
        .command("promote")
        .description("copy the promotable config of one stack to the next (development → testing → production); secrets are never copied")
        .argument("[from]", "stack to copy from")
        .argument("[to]", "stack to write")
        .option("-y, --yes", "write without asking (otherwise: ask on a terminal, only show the plan without one)", false)
        .option("--allow-any-direction", "allow a direction other than development → testing → production", false)
        .option("--restore <backupFile>", "put a backup from .ade/backups/<stack>/ back as the stack file")
        .action(async (from: string | undefined, to: string | undefined, opts: { yes: boolean; allowAnyDirection: boolean; restore?: string }) => {
            await promote({ from, to, ...opts });
        });
}

export async function promote(options: PromoteOptions): Promise<void> {
    const root = projectRoot();
    if (options.restore !== undefined) {
        if (options.from !== undefined) throw new UserError("--restore takes no stacks: run ade promote --restore <backupFile>");
        restore(root, options.restore);
        return;
    }
    const { from, to } = options;
    if (from === undefined || to === undefined) throw new UserError("name two stacks: ade promote <from> <to> (or put a backup back with: ade promote --restore <backupFile>)");
    const direction = directionProblem(from, to, options.allowAnyDirection);
    if (direction !== undefined) throw new UserError(direction);

    const project = projectName(root);
    const source = readStack(root, project, from);
    const destination = await readVerifiedStack(root, project, to);
    const plan = planPromotion(source.view, destination.file.view);
    process.stdout.write(`${formatPlan(plan)}\n`);

    const validation = validateStackConfig(to, { values: plan.result, secrets: destination.file.view.secrets });
    if (!validation.ok) throw new UserError(`promoting ${from} → ${to} would leave ${to} invalid; nothing was written.\n${formatProblems(to, validation.problems)}`);
    if (plan.edits.length === 0) {
        process.stdout.write(`Nothing to write: ${to} already has ${from}'s promotable config.\n`);
        return;
    }

    const text = editedText(destination.file, project, plan.edits);
    const reread = parseStackFile(destination.file.file, to, project, text).view;
    if (!isDeepStrictEqual(reread.values, plan.result) || !isDeepStrictEqual(reread.secrets, destination.file.view.secrets)) {
        throw new Error(`the edited ${destination.file.file} does not read back as the planned config`);
    }
    const file = path.relative(root, destination.file.file);
    if (!(await confirmWrite(options.yes, `Write these changes to ${file}?`, `ade promote ${from} ${to} --yes${options.allowAnyDirection ? " --allow-any-direction" : ""}`))) return;

    const backup = await writeVerifiedStack(root, project, destination, text);
    process.stdout.write(
        `Wrote ${file} (backup: ${path.relative(root, backup)}; undo with: ade promote --restore ${path.relative(root, backup)}). ` +
            `${to}'s secrets are unchanged and still decrypt with its own passphrase.\n`,
    );
}

function restore(root: string, backupFile: string): void {
    const stack = backupStack(backupFile);
    if (!knownStacks(root).includes(stack)) throw new UserError(`${backupFile}: is a backup of stack "${stack}", which this project does not have (known: ${knownStacks(root).join(", ")})`);
    const target = stackFile(root, stack);
    const previous = restoreStackFile(root, path.resolve(backupFile), target, stack);
    process.stdout.write(
        `Restored ${path.relative(root, target)} from ${backupFile}${previous === undefined ? "" : ` (the file it replaced is backed up at ${path.relative(root, previous)})`}.\n`,
    );
}

