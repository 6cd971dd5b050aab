/**
 * The one readiness check both sides of every comparison use: Docker's own
 * healthcheck status of each named container, polled until all report healthy.
 */
import { execText, sleep } from "./proc";

const POLL_MS = 200;

/** `name -> "running healthy"` (or what Docker reports instead); containers that do not exist are absent. */
export async function healthOf(names: readonly string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    const out = await execText("docker", [
        "ps", "-a", "--no-trunc", "--format", "{{.Names}}|{{.State}}|{{.Status}}",
    ]);
    for (const line of out.split("\n")) {
        const [name, state, status] = line.split("|");
        if (name === undefined || !names.includes(name)) continue;
        const health = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? "")?.[1] ?? "no healthcheck";
        states.set(name, `${state ?? "?"} ${health}`);
    }
    return states;
}

/** Polls every 200 ms until every container in `names` is running and healthy; throws after `timeoutSeconds`, naming the laggards. */
export async function waitAllHealthy(names: readonly string[], timeoutSeconds = 300): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
        const states = await healthOf(names);
        const waiting = names.filter((n) => states.get(n) !== "running healthy");
        if (waiting.length === 0) return;
        if (Date.now() > deadline) {
            throw new Error(`not healthy after ${timeoutSeconds}s: ${waiting.map((n) => `${n} (${states.get(n) ?? "absent"})`).join(", ")}`);
        }
        await sleep(POLL_MS);
    }
}
