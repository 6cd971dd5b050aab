/**
 * What `ade promote --restore <file>` may put back as a stack file: a backup
 * from the stack's own backup folder (or, asked for explicitly, a file from
 * elsewhere) that is a stack file of that stack (same secrets provider, so its
 * secrets still decrypt with the stack's passphrase) and that validates with
 * the schema and the production rules. Nothing here writes.
 */
import * as fs from "fs";
import * as path from "path";
import type { OtherStack } from "../config/ports";
import { formatProblems, validateStackConfig } from "../config/validate";
import { UserError } from "../core/errors";
import { readTextFile } from "../core/files";
import { printable } from "../core/text";
import { backupDir, backupStack, parseStackFile, rawStackConfig, readStackFile, secretsProvider, StackFile, stackFilePath } from "./stackFile";

export interface RestoreCheck {
    readonly stack: string;
    /** The stack file now. */
    readonly current: StackFile;
    /** The file to put back. */
    readonly restored: StackFile;
}

export interface RestoreOptions {
    /** Restore a file from outside `.ade/backups/<stack>/` (its name still says which stack it is for). */
    readonly allowOutsideBackups: boolean;
    /** The project's other stacks, for the host-port check of the validation. */
    readonly otherStacks: (stack: string) => readonly OtherStack[];
}

/** The stack a file to restore is for: a backup's name, or `Pulumi.<stack>.yaml` for a file from elsewhere. */
export function restoreTarget(file: string, allowOutsideBackups: boolean): string {
    const plain = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1];
    if (allowOutsideBackups && plain !== undefined) return plain;
    return backupStack(file);
}

/** Checks `file` for restoring as its stack's file; every refusal is a `UserError` that says what to do instead. */
export function checkRestore(root: string, project: string, file: string, options: RestoreOptions): RestoreCheck {
    const stack = restoreTarget(file, options.allowOutsideBackups);
    const shown = printable(file);
    const folder = backupDir(root, stack);
    const relativeFolder = `${path.relative(root, folder)}${path.sep}`;
    if (!options.allowOutsideBackups && !isDirectlyIn(file, folder)) {
        throw new UserError(
            `${shown}: is not in ${printable(relativeFolder)}, where ade keeps the backups of stack ${printable(stack)}: restore one of those, or pass --allow-outside-backups to restore this file anyway`,
        );
    }
    const restored = parseStackFile(file, stack, project, readTextFile(file, { fix: `name a file under ${relativeFolder}`, named: true }));
    if (Object.keys(restored.view.values).length === 0 && restored.view.secrets.size === 0) {
        throw new UserError(`${shown}: is not a stack file of project ${printable(project)}: it has no ${printable(project)}: config keys, so restoring it would empty the stack's config`);
    }

    const target = stackFilePath(root, stack);
    if (!fs.existsSync(target)) {
        throw new UserError(
            `${printable(path.relative(root, target))}: no such file, so ${shown} cannot be checked against its secrets provider; if you are sure it is this stack's file, copy it back by hand`,
        );
    }
    const current = readStackFile(target, stack, project);
    const now = secretsProvider(current);
    const then = secretsProvider(restored);
    const differs = Object.keys(now).filter((field) => now[field] !== then[field]);
    if (differs.length > 0) {
        throw new UserError(
            `${shown}: its secrets are encrypted for another stack or key (${differs.join(", ")} differ${differs.length === 1 ? "s" : ""} from ${printable(path.basename(target))}), ` +
                `so they would not decrypt with ${printable(stack)}'s passphrase: restore a backup of ${printable(stack)} from ${printable(relativeFolder)}`,
        );
    }
    const validation = validateStackConfig(stack, rawStackConfig(restored), { otherStacks: options.otherStacks(stack) });
    if (!validation.ok) throw new UserError(`restoring ${shown} would leave ${printable(stack)} invalid; nothing was written.\n${formatProblems(stack, validation.problems)}`);
    return { stack, current, restored };
}

/** Whether `file` (after following links) is an entry of `folder` itself, not of a subfolder. */
function isDirectlyIn(file: string, folder: string): boolean {
    try {
        return path.dirname(fs.realpathSync(file)) === fs.realpathSync(folder);
    } catch {
        return false;
    }
}
