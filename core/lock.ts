/**
 * One `ade` command at a time changes a project: a command that writes takes
 * `.ade/lock` (holding its pid and command line) before it reads what it will
 * change, and removes it when done. A second command is refused with the
 * holder named; a lock whose process is gone (a crash, a kill) is taken over
 * with a note.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "./errors";
import { ensureDirectory, readTextFileIfExists } from "./files";
import { printable } from "./text";

export interface LockHolder {
    readonly pid: number;
    /** The command line, for the message another command shows. */
    readonly command: string;
    /** ISO 8601. */
    readonly started: string;
    readonly host: string;
    /** The kernel's start time of the process (Linux), so a pid reused by another process does not look alive. */
    readonly processStart?: string;
    /** Tells this lock from another one of the same process. */
    readonly nonce: string;
}

export function lockPath(root: string): string {
    return path.join(root, ".ade", "lock");
}

/** Locks held by this process, by file, with how many nested commands hold each (deploy runs rollback inside). */
const held = new Map<string, { holder: LockHolder; depth: number }>();

/** `.ade` folders the lock created, removed again when the lock goes and they are empty: a refused command leaves nothing behind. */
const createdFolders = new Set<string>();

export interface LockOptions {
    /** Where a note about a stale lock goes; standard error by default. */
    readonly note?: (text: string) => void;
    /** The process whose lock this is; this one by default (tests pass another). */
    readonly pid?: number;
}

/** Runs `fn` holding the project's lock; refuses when another live `ade` holds it. */
export async function withProjectLock<T>(root: string, command: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    const file = lockPath(root);
    const mine = held.get(file);
    if (mine !== undefined) {
        mine.depth++;
        try {
            return await fn();
        } finally {
            mine.depth--;
        }
    }
    const holder = acquireLock(root, command, options);
    held.set(file, { holder, depth: 1 });
    try {
        return await fn();
    } finally {
        held.delete(file);
        releaseLock(root, holder);
    }
}

/** Takes the lock or throws a `UserError` naming its holder. */
export function acquireLock(root: string, command: string, options: LockOptions = {}): LockHolder {
    const file = lockPath(root);
    if (!fs.existsSync(path.dirname(file))) createdFolders.add(path.dirname(file));
    ensureDirectory(path.dirname(file));
    const pid = options.pid ?? process.pid;
    const holder: LockHolder = {
        pid,
        command,
        started: new Date().toISOString(),
        host: os.hostname(),
        processStart: processStart(pid),
        nonce: crypto.randomBytes(8).toString("hex"),
    };
    const note = options.note ?? ((text: string) => process.stderr.write(text));
    for (let attempt = 0; attempt < 5; attempt++) {
        if (tryCreate(file, holder)) return holder;
        const current = readHolder(file);
        if (current === "absent") continue;
        if (current !== "unreadable" && isAlive(current)) {
            throw new UserError(
                `another ade command is changing this project: pid ${current.pid} (${printable(current.command)}), running since ${current.started}` +
                    `${current.host === os.hostname() ? "" : ` on ${printable(current.host)}`}; wait for it to finish and run the command again ` +
                    `(if that process is gone, remove ${printable(file)})`,
            );
        }
        // Moved aside first, so two commands taking over the same stale lock cannot both succeed.
        const aside = `${file}.stale.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
        try {
            fs.renameSync(file, aside);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
            throw error;
        }
        const taken = readHolder(aside);
        if (taken !== "absent" && taken !== "unreadable" && isAlive(taken)) {
            // Another command took the stale lock over in between: its lock goes back.
            try {
                fs.linkSync(aside, file);
            } catch {
                // A third command holds the lock now; the next attempt names it.
            }
            fs.rmSync(aside, { force: true });
            continue;
        }
        fs.rmSync(aside, { force: true });
        note(
            taken === "unreadable" || taken === "absent"
                ? `ade: note: took over ${printable(file)}, which could not be read (a lock no live command holds)\n`
                : `ade: note: took over a stale lock of pid ${taken.pid} (${printable(taken.command)}, since ${taken.started}): that process is gone\n`,
        );
    }
    throw new UserError(`could not take ${printable(file)}: other ade commands keep taking it; run the command again`);
}

/** Removes the lock if it is still this holder's. */
export function releaseLock(root: string, holder: LockHolder): void {
    const file = lockPath(root);
    const current = readHolder(file);
    if (current !== "absent" && current !== "unreadable" && current.nonce === holder.nonce) fs.rmSync(file, { force: true });
    const folder = path.dirname(file);
    if (createdFolders.delete(folder)) {
        try {
            fs.rmdirSync(folder);
        } catch {
            // The command wrote backups or a ledger there: the folder stays.
        }
    }
}

function tryCreate(file: string, holder: LockHolder): boolean {
    // Written completely under a temporary name, then linked: nobody ever reads half a lock.
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(holder, null, 2)}\n`, { flag: "wx" });
    try {
        fs.linkSync(temp, file);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw error;
    } finally {
        fs.rmSync(temp, { force: true });
    }
}

function readHolder(file: string): LockHolder | "absent" | "unreadable" {
    let text: string | undefined;
    try {
        text = readTextFileIfExists(file, { maxBytes: 64 * 1024 });
    } catch {
        return "unreadable";
    }
    if (text === undefined) return "absent";
    try {
        const data = JSON.parse(text) as Partial<LockHolder>;
        if (typeof data.pid !== "number" || typeof data.nonce !== "string") return "unreadable";
        return {
            pid: data.pid,
            command: String(data.command ?? "?"),
            started: String(data.started ?? "?"),
            host: String(data.host ?? ""),
            processStart: data.processStart,
            nonce: data.nonce,
        };
    } catch {
        return "unreadable";
    }
}

/** Whether the lock's process still runs; a lock from another host is taken as alive (its pid cannot be checked). */
function isAlive(holder: LockHolder): boolean {
    if (holder.host !== os.hostname()) return true;
    try {
        process.kill(holder.pid, 0);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    }
    const start = processStart(holder.pid);
    return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time since boot); undefined where there is no /proc. */
function processStart(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) may contain spaces and parentheses: count from the last ")".
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[19];
    } catch {
        return undefined;
    }
}
