/**
 * Docker's own event stream for a project's containers (`docker events`),
 * collected in the background while a section runs: each container's create,
 * start, health status and exit, with Docker's nanosecond timestamps.
 */
import { spawn } from "child_process";
import { ContainerEvent } from "./timeline";

export interface EventWatch {
    /** Every event so far, `at` in seconds since the Unix epoch. */
    readonly events: ContainerEvent[];
    stop(): Promise<void>;
}

export function watchContainerEvents(project: string): EventWatch {
    const child = spawn("docker", ["events", "--format", "{{json .}}", "--filter", "type=container", "--filter", `label=ade.project=${project}`], {
        stdio: ["ignore", "pipe", "inherit"],
    });
    const events: ContainerEvent[] = [];
    let partial = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
            if (line.trim() === "") continue;
            const e = JSON.parse(line) as { Action?: string; status?: string; timeNano?: number; Actor?: { Attributes?: Record<string, string> } };
            const container = e.Actor?.Attributes?.["name"];
            if (container === undefined || e.timeNano === undefined) continue;
            events.push({ container, action: e.Action ?? e.status ?? "", at: e.timeNano / 1e9 });
        }
    });
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    return {
        events,
        async stop() {
            child.kill("SIGTERM");
            await closed;
        },
    };
}
