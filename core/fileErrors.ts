/**
 * How a file-system failure reads to the user: one line naming the file and
 * what to do, as a `UserError`. Shared by reading (`core/readFile.ts`) and
 * writing (`core/writeFiles.ts`).
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "./errors";
import { printable } from "./text";

/** The first path on the way to `dir` that exists and is not a directory (what is in the way of a folder ade keeps). */
export function firstNonDirectory(dir: string): string | undefined {
    const parts = path.resolve(dir).split(path.sep);
    for (let i = 2; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join(path.sep) || path.sep;
        try {
            if (!fs.statSync(prefix).isDirectory()) return prefix;
        } catch {
            return undefined;
        }
    }
    return undefined;
}

export function errno(error: unknown): string | undefined {
    return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function fixSuffix(fix: string | undefined, lead = ""): string {
    return fix === undefined ? "" : lead === "" ? ` (${fix})` : `, ${lead}${fix}`;
}

/** A file-system failure as a one-line `UserError`; `fix` says what to do when the file is missing or in the way. */
export function fileError(file: string, error: unknown, verb: "read" | "write" | "create", fix?: string): UserError {
    const shown = printable(file);
    switch (errno(error)) {
        case "ENOENT":
            return new UserError(`${shown}: no such file${fixSuffix(fix)}`);
        case "ENOTDIR":
            return new UserError(`${shown}: a folder on its path is a file (${printable(firstNonDirectory(path.dirname(file)) ?? path.dirname(file))}): move that file away${fixSuffix(fix, "then ")}`);
        case "EISDIR":
            return new UserError(`${shown}: is a directory, not a file: move it away${fixSuffix(fix, "then ")}`);
        case "EACCES":
        case "EPERM":
            return new UserError(`${shown}: cannot be ${verb === "read" ? "read" : "written"} (permission denied): fix its permissions or run ade as its owner`);
        case "ELOOP":
            return new UserError(`${shown}: is a loop of symbolic links: point it at a real file`);
        case "EEXIST":
            return new UserError(`${shown}: already exists; ade never overwrites it: move it away and run the command again`);
        case "EROFS":
            return new UserError(`${shown}: is on a read-only file system: ade cannot ${verb} it there`);
        case "ENOSPC":
        case "EDQUOT":
            return new UserError(`${shown}: the disk is full: free some space and run the command again (nothing was changed)`);
        case "ENAMETOOLONG":
            return new UserError(`${shown}: the name is too long for the file system`);
        default:
            return new UserError(`${shown}: cannot be ${verb === "read" ? "read" : "written"}: ${printable((error as Error).message)}`);
    }
}
