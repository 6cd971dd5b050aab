/**
 * `ade promote <from> <to>`: copies the promotable config of one stack to the
 * next (docs/promotion.md). Environment-specific keys stay, secrets are never
 * copied, the result is validated before anything is written, and the
 * destination file is backed up first. `ade promote --restore <backup>` undoes it.
 */
import { Command } from "commander";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { environmentForStack } from "../../config/environment";
import { formatProblems, validateStackConfig } from "../../config/validate";
import { UserError } from "../../core/errors";
import { writeFiles } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { printable } from "../../core/text";
import { describeRelease } from "../../release/records";
import { readReleaseRecords } from "../releaseRecords";
import { diffStacks, directionProblem, formatDiff, formatPlan, planPromotion, PromotionEnd } from "../../promotion/plan";
import { checkRestore, restoreTarget } from "../../stacks/restore";
import { backupChange, editedText, parseStackFile, projectName, rawStackConfig, secureValues, StackFile } from "../../stacks/stackFile";
import { confirmWrite } from "../confirm";
import { print } from "../output";
import { readStack, readVerifiedStack, writeVerifiedStack } from "../stackConfig";
import { knownStacks, otherStacks, projectRoot, requireKnownStack } from "../workspace";

export interface PromoteOptions {
    readonly from?: string;
    readonly to?: string;
    /** Write without asking. */
    readonly yes: boolean;
    /** Allow directions other than development → testing → production. */
    readonly allowAnyDirection: boolean;
    /** A backup file to put back instead of promoting. */
    readonly restore?: string;
    /** With `restore`: accept a file from outside the stack's backup folder. */
    readonly allowOutsideBackups?: boolean;
}

export function register(program: Command): void {
    program
        .command("promote")
        .description("copy the promotable config of one stack to the next (development → testing → production); secrets are never copied")
        .argument("[from]", "stack to copy from")
        .argument("[to]", "stack to write")
        .option("-y, --yes", "write without asking (otherwise: ask on a terminal, only show the plan without one)", false)
        .option("--allow-any-direction", "allow a direction other than development → testing → production", false)
        .option("--restore <backupFile>", "put a backup from .ade/backups/<stack>/ back as the stack file (shows the difference; writes with --yes)")
        .option("--allow-outside-backups", "with --restore: accept a file from outside .ade/backups/<stack>/ (named like a backup or Pulumi.<stack>.yaml)", false)
        .action(async (from: string | undefined, to: string | undefined, opts: { yes: boolean; allowAnyDirection: boolean; restore?: string; allowOutsideBackups: boolean }) => {
            await promote({ from, to, ...opts });
        });
}

export async function promote(options: PromoteOptions): Promise<void> {
    const root = projectRoot();
    if (options.restore !== undefined) {
        if (options.from !== undefined) throw new UserError("--restore takes no stacks: run ade promote --restore <backupFile>");
        const file = options.restore;
        await withProjectLock(root, `ade promote --restore ${file}`, () => restore(root, file, options));
        return;
    }
    if (options.allowOutsideBackups === true) throw new UserError("--allow-outside-backups goes with --restore <file> only: drop it");
    const { from, to } = options;
    if (from === undefined || to === undefined) throw new UserError("name two stacks: ade promote <from> <to> (or put a backup back with: ade promote --restore <backupFile>)");
    if (from === to) throw new UserError(`cannot promote "${printable(from)}" to itself: name two different stacks`);
    requireKnownStack(root, from, "source");
    requireKnownStack(root, to, "destination");

    await withProjectLock(root, `ade promote ${from} ${to}`, async () => {
        const project = projectName(root);
        const source = readStack(root, project, from, "source");
        const destinationFile = readStack(root, project, to, "destination");
        const direction = directionProblem(promotionEnd(source), promotionEnd(destinationFile), options.allowAnyDirection);
        if (direction !== undefined) throw new UserError(direction);

        const destination = await readVerifiedStack(root, project, to);
        const plan = planPromotion(source.view, destination.file.view);
        print(`${formatPlan(plan)}\n`);
        const version = plan.result["version"];
        if (typeof version === "string") print(`  ${printable(describeRelease(readReleaseRecords(root), version), 400)}\n`);

        const validation = validateStackConfig(to, { values: plan.result, secrets: destination.file.view.secrets }, { otherStacks: otherStacks(root, project, to) });
        if (!validation.ok) {
            throw new UserError(`promoting ${printable(from)} → ${printable(to)} would leave ${printable(to)} invalid; nothing was written.\n${formatProblems(to, validation.problems)}`);
        }
        if (plan.edits.length === 0) {
            print(`Nothing to write: ${to} already has ${from}'s promotable config.\n`);
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
        print(
            `Wrote ${file} (backup: ${path.relative(root, backup)}; undo with: ade promote --restore ${path.relative(root, backup)} --yes). ` +
                `${to}'s secrets are unchanged and still decrypt with its own passphrase.\n`,
        );
    });
}

/** The stack and its environment, as the promotion direction needs them; a stack whose environment is unclear stops the promotion. */
function promotionEnd(file: StackFile): PromotionEnd {
    const { stack } = file.view;
    const choice = environmentForStack(stack, rawStackConfig(file).values["environment"]);
    if (!choice.ok) throw new UserError(`cannot promote with stack "${printable(stack)}": ${choice.problem}`);
    return { stack, environment: choice.environment };
}

async function restore(root: string, file: string, options: PromoteOptions): Promise<void> {
    const allowOutsideBackups = options.allowOutsideBackups === true;
    const stack = restoreTarget(file, allowOutsideBackups);
    if (!knownStacks(root).includes(stack)) {
        throw new UserError(`${printable(file)}: is a backup of stack "${printable(stack)}", which this project does not have (known: ${knownStacks(root).join(", ")})`);
    }
    const project = projectName(root);
    const check = checkRestore(root, project, file, { allowOutsideBackups, otherStacks: (s) => otherStacks(root, project, s) });
    const target = path.relative(root, check.current.file);
    if (check.current.text === check.restored.text) {
        print(`Nothing to restore: ${target} is already identical to ${file}.\n`);
        return;
    }

    const diff = diffStacks({ ...check.current.view, stack: `${stack} now` }, { ...check.restored.view, stack: "the file to restore" });
    print(`Restore ${file} as ${target}:\n${formatDiff(diff)}\n`);
    const now = secureValues(check.current);
    const then = secureValues(check.restored);
    const changed = [...new Set([...now.keys(), ...then.keys()])].filter((key) => now.get(key) !== then.get(key));
    if (changed.length > 0) print(`  encrypted values that change (values never shown): ${changed.join(", ")}\n`);

    const rerun = `ade promote --restore ${file} --yes${allowOutsideBackups ? " --allow-outside-backups" : ""}`;
    if (!(await confirmWrite(options.yes, `Restore ${target} from ${file}?`, rerun))) return;
    const backup = backupChange(root, stack, check.current.text);
    writeFiles([backup, { file: check.current.file, text: check.restored.text }]);
    print(`Restored ${target} from ${file} (the file it replaced is backed up at ${path.relative(root, backup.file)}).\n`);
}
