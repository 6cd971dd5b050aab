/**
 * Reading the files ade reads (stack files, VERSION, .env files, ledgers,
 * changelogs): a regular file of bounded size, or a one-line `UserError`.
 */
import * as fs from "fs";
import { UserError } from "./errors";
import { errno, fileError, fixSuffix } from "./fileErrors";
import { printable } from "./text";

/** The largest file `ade` reads: stack files, VERSION, .env files, ledgers and changelogs are far smaller. */
export const MAX_READ_BYTES = 1024 * 1024;

export interface ReadOptions {
    /** What the user should do about a missing or unusable file, e.g. `create it with: pulumi stack init testing`. */
    readonly fix?: string;
    /** Refuse files larger than this; `MAX_READ_BYTES` by default. */
    readonly maxBytes?: number;
    /** The user named this path (an argument), rather than ade expecting a file there: nothing to move away. */
    readonly named?: boolean;
}

/** Reads a regular file of at most `maxBytes` as UTF-8; anything else is a `UserError` naming the file. */
export function readTextFile(file: string, options: ReadOptions = {}): string {
    const text = readTextFileIfExists(file, options);
    if (text === undefined) throw new UserError(`${printable(file)}: no such file${fixSuffix(options.fix)}`);
    return text;
}

/** Like `readTextFile`, but `undefined` when nothing is at `file`. */
export function readTextFileIfExists(file: string, options: ReadOptions = {}): string | undefined {
    const max = options.maxBytes ?? MAX_READ_BYTES;
    let fd: number;
    try {
        // Non-blocking, so that opening a named pipe cannot wait for a writer forever.
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (error) {
        if (errno(error) === "ENOENT") return undefined;
        throw fileError(file, error, "read", options.fix);
    }
    try {
        const stat = fs.fstatSync(fd);
        if (stat.isDirectory()) {
            throw new UserError(`${printable(file)}: is a directory, not a file${options.named === true ? fixSuffix(options.fix) : `: move it away${fixSuffix(options.fix, "then ")}`}`);
        }
        if (!stat.isFile()) throw new UserError(`${printable(file)}: is not a regular file (a device, pipe or socket), and ade reads regular files only${fixSuffix(options.fix)}`);
        const tooBig = () => new UserError(`${printable(file)}: is larger than ${describeBytes(max)}, the most ade reads${fixSuffix(options.fix)}`);
        if (stat.size > max) throw tooBig();
        // One byte more than allowed, to notice a file that grew since fstat.
        const buffer = Buffer.alloc(Math.min(stat.size, max) + 1);
        let length = 0;
        while (length < buffer.length) {
            const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
            if (n === 0) break;
            length += n;
        }
        if (length > max) throw tooBig();
        return buffer.subarray(0, length).toString("utf8");
    } catch (error) {
        if (error instanceof UserError) throw error;
        throw fileError(file, error, "read", options.fix);
    } finally {
        fs.closeSync(fd);
    }
}

function describeBytes(bytes: number): string {
    return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
