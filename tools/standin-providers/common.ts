/** What the stand-in provider plugins share: running commands, secrets, diffs. */
import { execFile } from "child_process";

export type Props = Record<string, unknown>;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The value with every secret wrapper removed, for use; outputs keep the wrappers so state stays encrypted. */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === "object") {
        if (SECRET_SIG in value) return plain((value as { value?: unknown }).value);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/** The resource's type name from its URN: `Container` of `docker:index/container:Container`. */
export function resourceType(urn: string): string {
    const type = urn.split("::")[2] ?? "";
    const own = type.slice(type.lastIndexOf("$") + 1);
    return own.slice(own.lastIndexOf(":") + 1);
}

/** Input keys whose (secret-unwrapped) values differ. */
export function changedKeys(olds: Props, news: Props, ignore: readonly string[] = []): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify(plain(olds[k])) !== JSON.stringify(plain(news[k]))).sort();
}

export class CommandError extends Error {
    constructor(
        message: string,
        public readonly stdout: string,
        public readonly stderr: string,
    ) {
        super(message);
    }
}

/** Runs a program; resolves with its trimmed stdout, rejects with what it printed. */
export function run(file: string, args: string[], env: Record<string, string> = {}, stdin?: Buffer, cwd?: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(file, args, { env: { ...process.env, ...env }, cwd, maxBuffer: 64 * 1024 * 1024, encoding: "buffer" }, (error, stdout, stderr) => {
            const out = stdout.toString("utf8").trim();
            const err = stderr.toString("utf8").trim();
            if (error) reject(new CommandError(`${file} ${args[0] ?? ""} failed: ${err || out || error.message}`, out, err));
            else resolve(out);
        });
        if (stdin !== undefined) child.stdin?.end(stdin);
    });
}

export function docker(args: string[]): Promise<string> {
    return run("docker", args);
}

/** Whether a docker failure says the object is already gone. */
export function isMissing(error: unknown): boolean {
    return error instanceof Error && /No such (container|network|volume|image)|not found/i.test(error.message);
}
