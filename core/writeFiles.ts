/**
 * Writing the files and folders ade writes: several files as one change
 * (all or none), each replaced atomically, through symbolic links, never over
 * a file made read-only; a one-line `UserError` for whatever is in the way.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "./errors";
import { errno, fileError, firstNonDirectory } from "./fileErrors";
import { printable } from "./text";

/** Creates `dir` and its parents; a file in the way is a `UserError` naming it. */
export function ensureDirectory(dir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
        const code = errno(error);
        if (code === "EEXIST" || code === "ENOTDIR") {
            const blocker = firstNonDirectory(dir) ?? dir;
            throw new UserError(`${printable(blocker)}: is a file where ade keeps a folder (${printable(dir)}): move it away and run the command again`);
        }
        throw fileError(dir, error, "create");
    }
}

/** One file a write replaces or creates. */
export interface FileChange {
    readonly file: string;
    readonly text: string;
    /** A new file (a backup): the write fails rather than replace one that exists. */
    readonly create?: boolean;
}

/** Files written by `writeFiles`, and how to put them back as they were. */
export interface WrittenFiles {
    /** The files actually written: a symbolic link's target rather than the link. */
    readonly files: readonly string[];
    /** Puts every file back as it was before the write (removes the ones it created). */
    rollback(): void;
}

export interface WriteHooks {
    /** Called before each file is put in place; the tests throw here to fail a write half-way. */
    readonly beforeInstall?: (file: string) => void;
}

interface Target {
    readonly change: FileChange;
    /** The path really written: a symbolic link is written through, never replaced. */
    readonly real: string;
    readonly original: Buffer | undefined;
    readonly mode: number;
    temp?: string;
    written?: boolean;
}

/**
 * Writes several files as one: everything is checked and staged first (every
 * target writable, every new text in a temporary file beside its target), then
 * each is renamed into place; if any step fails, the files already renamed are
 * put back, so either every file changes or none does. Each file is replaced
 * atomically (readers see the old text or the new one), a symbolic link is
 * written through, and a file made read-only is refused.
 */
export function writeFiles(changes: readonly FileChange[], hooks: WriteHooks = {}): WrittenFiles {
    const targets: Target[] = changes.map(planTarget);
    const seen = new Set<string>();
    for (const t of targets) {
        if (seen.has(t.real)) throw new Error(`writeFiles: ${t.real} is written twice in one change`);
        seen.add(t.real);
    }
    let current: Target | undefined;
    const folders: string[] = [];
    try {
        for (const t of targets) {
            current = t;
            folders.push(...createFolders(path.dirname(t.real)));
            t.temp = stage(t.real, t.change.text, t.mode);
        }
        for (const t of targets) {
            current = t;
            hooks.beforeInstall?.(t.real);
            install(t);
            t.written = true;
        }
    } catch (error) {
        restore(targets, folders);
        throw error instanceof UserError ? error : fileError(current?.real ?? "", error, "write");
    }
    return {
        files: targets.map((t) => t.real),
        rollback: () => restore(targets, folders),
    };
}

/** Refuses, as `writeFiles` would, any of `files` it could not replace (made read-only, a directory): for commands that check before long work. */
export function checkWritable(files: readonly string[]): void {
    for (const file of files) planTarget({ file, text: "" });
}

/** Replaces one file atomically (see `writeFiles`). */
export function writeFileAtomic(file: string, text: string): void {
    writeFiles([{ file, text }]);
}

function planTarget(change: FileChange): Target {
    const real = resolveLink(change.file);
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(real);
    } catch (error) {
        if (errno(error) !== "ENOENT" && errno(error) !== "ENOTDIR") throw fileError(real, error, "write");
    }
    if (stat !== undefined) {
        if (change.create === true) throw new UserError(`${printable(real)}: already exists; ade never overwrites it: move it away and run the command again`);
        if (stat.isDirectory()) throw new UserError(`${printable(real)}: is a directory, not a file: move it away and run the command again`);
        if (!stat.isFile()) throw new UserError(`${printable(real)}: is not a regular file (a device, pipe or socket): ade writes regular files only`);
        // As root, access(W_OK) allows anything: the mode bits say what the user meant.
        if ((stat.mode & 0o222) === 0) {
            throw new UserError(
                `${printable(real)}: is read-only (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")}), so ade leaves it alone: make it writable (chmod u+w ${printable(real)}) if it should change, then run the command again`,
            );
        }
    }
    checkFolderPath(path.dirname(real));
    return {
        change,
        real,
        original: stat === undefined ? undefined : fs.readFileSync(real),
        mode: stat === undefined ? 0o644 : stat.mode & 0o7777,
    };
}

/** The folder a file goes to may be missing (it is created at write time), but nothing on its path may be a file. */
function checkFolderPath(dir: string): void {
    const blocker = firstNonDirectory(dir);
    if (blocker !== undefined) throw new UserError(`${printable(blocker)}: is a file where ade keeps a folder (${printable(dir)}): move it away and run the command again`);
}

/** Creates the missing folders of `dir`, outermost first, and returns the ones it created. */
function createFolders(dir: string): string[] {
    const missing: string[] = [];
    for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) fs.mkdirSync(d);
    return missing;
}

/** Where a write to `file` lands: the end of its chain of symbolic links (the file itself when it is none). */
function resolveLink(file: string): string {
    let current = path.resolve(file);
    for (let hops = 0; hops < 40; hops++) {
        let target: string;
        try {
            if (!fs.lstatSync(current).isSymbolicLink()) return current;
            target = fs.readlinkSync(current);
        } catch (error) {
            // Nothing there yet, or a file on the way (planTarget names that one).
            if (errno(error) === "ENOENT" || errno(error) === "ENOTDIR") return current;
            throw fileError(current, error, "write");
        }
        current = path.resolve(path.dirname(current), target);
    }
    throw new UserError(`${printable(file)}: is a loop of symbolic links: point it at a real file`);
}

function stage(real: string, text: string, mode: number): string {
    const temp = path.join(path.dirname(real), `.${path.basename(real)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
    const fd = fs.openSync(temp, "wx", mode);
    try {
        fs.fchmodSync(fd, mode);
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    return temp;
}

function install(t: Target): void {
    const temp = t.temp as string;
    if (t.change.create === true) {
        // link() fails if the name is taken: a new file never replaces another one.
        fs.linkSync(temp, t.real);
        fs.unlinkSync(temp);
    } else {
        fs.renameSync(temp, t.real);
    }
    t.temp = undefined;
}

/** Best effort, in reverse order: every written file back to its original bytes, every temporary file and created folder removed. */
function restore(targets: readonly Target[], folders: readonly string[]): void {
    const failures: string[] = [];
    for (const t of [...targets].reverse()) {
        try {
            if (t.temp !== undefined) fs.rmSync(t.temp, { force: true });
            t.temp = undefined;
            if (t.written !== true) continue;
            if (t.original === undefined) {
                fs.rmSync(t.real, { force: true });
            } else {
                const back = stage(t.real, "", t.mode);
                fs.writeFileSync(back, t.original);
                fs.renameSync(back, t.real);
            }
            t.written = false;
        } catch (error) {
            failures.push(`${t.real}: ${(error as Error).message}`);
        }
    }
    for (const dir of [...folders].reverse()) {
        try {
            fs.rmdirSync(dir);
        } catch {
            // Not empty: something else was put there meanwhile, and it stays.
        }
    }
    if (failures.length > 0) throw new Error(`could not put back every file after a failed write:\n${failures.join("\n")}`);
}
