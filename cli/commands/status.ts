/**
 * `ade status <stack> [--json] [--skip-drift]`: the release running and where
 * it came from (the stack's history), every service's state and health, the
 * alerts Alertmanager holds, whether the stack drifted, and the last update.
 * A part that cannot be read is reported as unknown, with why; the rest still shows.
 */
import { Command } from "commander";
import type { Release } from "../../release/history";
import { Alert, alertsFromApi } from "../../operations/alerts";
import { withMissing } from "../../operations/services";
import { Part, statusLines, StatusReport, UpdateSummary } from "../../operations/status";
import { projectName } from "../../stacks/stackFile";
import { readReleases } from "../deployment";
import { containersInspector, StackInspector } from "../inspect";
import { readDrift } from "../refresh";
import { openStack, projectRoot } from "../workspace";

export interface StatusOptions {
    readonly stack: string;
    readonly json?: boolean;
    /** Skip the refresh preview (a few seconds) that tells whether the stack drifted. */
    readonly skipDrift?: boolean;
    readonly root?: string;
    readonly inspector?: StackInspector;
    readonly write?: (text: string) => void;
}

export async function status(options: StatusOptions): Promise<StatusReport> {
    const root = options.root ?? projectRoot();
    const project = projectName(root);
    const write = options.write ?? ((t: string) => process.stdout.write(t));
    const stack = await openStack(root, options.stack);
    const inspector = options.inspector ?? containersInspector(project, options.stack);

    const [releases, outputs] = await Promise.all([readReleases(stack, root, options.stack, project), stack.outputs()]);
    const expected = (outputs["containerNames"]?.value ?? []) as string[];
    const alertmanagerUrl = outputs["alertmanagerUrl"]?.value as string | undefined;
    const [services, alerts, drift] = await Promise.all([
        part(async () => withMissing(await inspector.services(), expected, `${project}-${options.stack}-`)),
        alertmanagerUrl === undefined
            ? Promise.resolve<Part<Alert[]>>({ ok: false, problem: `the stack exports no alertmanagerUrl: its last update predates Alertmanager (run: ade deploy ${options.stack})` })
            : part(() => fetchAlerts(alertmanagerUrl)),
        options.skipDrift === true ? Promise.resolve({ ok: "skipped" as const }) : part(async () => (await readDrift(stack)).items),
    ]);

    const running = releases.find((r) => r.result === "succeeded");
    const report: StatusReport = {
        stack: options.stack,
        running: running === undefined ? undefined : summary(running),
        lastUpdate: releases[0] === undefined ? undefined : summary(releases[0]),
        services,
        alerts,
        drift,
        at: new Date().toISOString(),
    };
    write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${statusLines(report).join("\n")}\n`);
    return report;
}

function summary(r: Release): UpdateSummary {
    return { update: r.update, version: r.version, startedAt: r.startTime.toISOString(), result: r.result, health: r.health, message: r.message };
}

async function part<T>(read: () => Promise<T>): Promise<Part<T>> {
    try {
        return { ok: true, value: await read() };
    } catch (error) {
        return { ok: false, problem: error instanceof Error ? error.message : String(error) };
    }
}

/** Every alert Alertmanager holds (silenced and held back ones too, marked as such). */
async function fetchAlerts(alertmanagerUrl: string): Promise<Alert[]> {
    const url = `${alertmanagerUrl}/api/v2/alerts`;
    let response: Response;
    try {
        response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (error) {
        const e = error as Error & { cause?: Error };
        throw new Error(`Alertmanager does not answer at ${url} (${e.cause?.message ?? e.message})`);
    }
    if (!response.ok) throw new Error(`Alertmanager answered ${url} with HTTP ${response.status}`);
    return alertsFromApi(await response.json());
}

export function register(program: Command): void {
    program
        .command("status")
        .argument("<stack>", "development, testing or production")
        .option("--json", "print the report as JSON, for scripts")
        .option("--skip-drift", "do not read the stack back from Docker to tell whether it drifted (saves a few seconds)")
        .description("one screen: the release running and where it came from, every service's health, firing alerts, drift, the last update")
        .action(async (stack: string, opts: { json?: boolean; skipDrift?: boolean }) => {
            await status({ stack, json: opts.json === true, skipDrift: opts.skipDrift === true });
        });
}
