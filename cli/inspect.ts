/**
 * How `ade status` and `ade logs` read what runs in a stack. The containers
 * runtime's reader asks Docker for the containers labelled with the stack
 * (`ade.project`, `ade.stack`); a runtime with tasks (Swarm) adds a reader of
 * its own behind the same interface.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import * as readline from "readline";
import { promisify } from "util";
import { servicesFromInspect, ServiceState } from "../operations/services";
import { UserError } from "../core/errors";

const run = promisify(execFile);

/** A followed or finished log: its lines as they come, and a way to stop following. */
export interface LogStream {
    /** Called with every line (stdout and stderr alike), without its newline. */
    onLine(listener: (line: string) => void): void;
    /** Resolves when the log ends (at once without `follow`). */
    readonly done: Promise<void>;
    stop(): void;
}

export interface StackInspector {
    /** The stack's long-running services, by service name. */
    services(): Promise<ServiceState[]>;
    /** One service's log lines, each starting with the runtime's RFC 3339 timestamp. */
    logs(service: ServiceState, options: { readonly since?: string; readonly follow: boolean }): LogStream;
}

/** The stack's containers on the local Docker engine. */
export function containersInspector(project: string, stack: string): StackInspector {
    return {
        async services() {
            const ids = (await docker(["ps", "-a", "-q", "--filter", `label=ade.project=${project}`, "--filter", `label=ade.stack=${stack}`])).split("\n").filter((id) => id !== "");
            if (ids.length === 0) return [];
            return servicesFromInspect(await docker(["inspect", ...ids]));
        },
        logs(service, options) {
            const args = ["logs", "--timestamps", ...(options.since === undefined ? [] : ["--since", options.since]), ...(options.follow ? ["--follow"] : []), service.name];
            return lineStream(spawn("docker", args, { stdio: ["ignore", "pipe", "pipe"] }), service.name);
        },
    };
}

/**
 * The stack's Swarm services whose update, started `since`, Swarm rolled back
 * (or is rolling back), one line each with Swarm's own message; none on an
 * engine in no swarm.
 */
export async function swarmRollbacks(project: string, stack: string, since: Date): Promise<string[]> {
    let ids: string[];
    try {
        ids = (await docker(["service", "ls", "--quiet", "--filter", `label=ade.project=${project}`, "--filter", `label=ade.stack=${stack}`])).split("\n").filter((id) => id !== "");
    } catch {
        return []; // not a swarm manager: nothing Swarm could have rolled back
    }
    if (ids.length === 0) return [];
    const format = '{{.Spec.Name}}\t{{with .UpdateStatus}}{{.State}}\t{{.Message}}\t{{with .StartedAt}}{{.Format "2006-01-02T15:04:05Z07:00"}}{{end}}{{end}}';
    return (await docker(["service", "inspect", "--format", format, ...ids]))
        .split("\n")
        .map((line) => line.split("\t"))
        // An older rollback stays in UpdateStatus until the service's next update: only this deploy's count.
        .filter(([, state, , started]) => state?.startsWith("rollback_") === true && Date.parse(started ?? "") >= since.getTime() - 1000)
        .map(([name = "", state = "", message = ""]) => `${name}: Swarm ${state === "rollback_completed" ? "rolled its update back" : `is rolling its update back (${state})`}${message === "" ? "" : `: ${message}`}`)
        .sort();
}

async function docker(args: string[]): Promise<string> {
    try {
        return (await run("docker", args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (error) {
        const e = error as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") throw new UserError("docker is not on PATH: ade reads the stack's containers with the docker CLI");
        throw new UserError(`docker ${args[0] ?? ""} failed: ${(e.stderr ?? e.message).trim()}`);
    }
}

function lineStream(child: ChildProcess, name: string): LogStream {
    const listeners: ((line: string) => void)[] = [];
    let stderr = "";
    const emit = (line: string) => {
        for (const l of listeners) l(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
        if (stream !== null) readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", emit);
    }
    child.stderr?.on("data", (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString();
    });
    let stopped = false;
    const done = new Promise<void>((resolve, reject) => {
        child.on("error", (error: NodeJS.ErrnoException) =>
            reject(error.code === "ENOENT" ? new UserError("docker is not on PATH: ade reads the stack's logs with the docker CLI") : error),
        );
        child.on("close", (code) => {
            // A container removed while followed ends its log; that is no failure of ade's.
            if (code === 0 || stopped || /No such container/.test(stderr)) resolve();
            else reject(new UserError(`docker logs ${name} exited ${code ?? "by a signal"}: ${stderr.trim().split("\n").pop() ?? ""}`));
        });
    });
    return {
        onLine: (listener) => listeners.push(listener),
        done,
        stop: () => {
            stopped = true;
            child.kill("SIGTERM");
        },
    };
}
