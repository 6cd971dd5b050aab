/**
 * The engine side of releases: reading all of a stack's history, and an `up`
 * that counts only once the services answer healthy.
 */
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import type { StackConfig } from "../config/schema";
import { probeAll } from "../monitoring/healthProbe";
import { HistoryEntry, parseReleases, Release, VerificationRecord } from "../release/history";
import type { Progress } from "./progress";
import { readLedger, recordVerified } from "../release/ledger";

/** Every entry of the stack's history, newest first: all pages, not the default ten. */
export async function readAllHistory(stack: Stack, pageSize = 100): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (let page = 1; ; page++) {
        const batch = await stack.history(pageSize, page);
        entries.push(...batch);
        if (batch.length < pageSize) return entries;
    }
}

export async function readReleases(stack: Stack, root: string, stackName: string, project: string): Promise<Release[]> {
    return parseReleases(await readAllHistory(stack), project, readLedger(root, stackName).verified);
}

export type Verification =
    | { readonly ok: true; readonly outputs: OutputMap; readonly update: Release; readonly lines: string[] }
    /** `update`: `pulumi up` failed; `verification`: it succeeded but a service did not answer healthy. */
    | { readonly ok: false; readonly stage: "update" | "verification"; readonly failure: string };

export interface UpAndVerifyOptions {
    readonly root: string;
    readonly stackName: string;
    readonly project: string;
    readonly message: string;
    /** The validated config the update runs with: health paths and probe timing. */
    readonly config: StackConfig;
    readonly progress: Progress;
}

/**
 * `pulumi up` (which itself fails when the program's health verification
 * fails), then a second probe of every service URL the stack exports. Only
 * when both pass is the update recorded as verified in the ledger.
 */
export async function upAndVerify(stack: Stack, options: UpAndVerifyOptions): Promise<Verification> {
    const { progress } = options;
    let outputs: OutputMap;
    try {
        // Refreshed first: what changed outside Pulumi (a container removed by hand, an image deleted) is put back too.
        const result = await stack.up({ message: options.message, onEvent: progress.onEvent, color: "never", refresh: true });
        outputs = result.outputs;
    } catch (error) {
        progress.finish();
        return { ok: false, stage: "update", failure: updateFailure(error) };
    }
    progress.finish();
    const urls = (outputs["serviceUrls"]?.value ?? {}) as Record<string, string>;
    const targets = Object.entries(urls).map(([name, url]) => ({ name, url: `${url}${options.config.services[name]?.healthPath ?? "/health"}` }));
    const probed = await probeAll(targets, {
        deadlineSeconds: Math.min(options.config.healthCheck.deadlineSeconds, 30),
        intervalSeconds: 1,
        requestTimeoutSeconds: options.config.healthCheck.requestTimeoutSeconds,
    });
    const unhealthy = probed.filter((p) => !p.healthy);
    if (unhealthy.length > 0) {
        return { ok: false, stage: "verification", failure: `Health verification failed after the update: ${unhealthy.map((p) => `"${p.name}" (${p.answer})`).join(", ")}` };
    }
    const releases = await readReleases(stack, options.root, options.stackName, options.project);
    const update = releases[0];
    if (update === undefined || update.message !== options.message || update.result !== "succeeded") {
        throw new Error(`the newest update of ${options.stackName} is not the one just run (${update?.message ?? "none"}): history and ledger disagree`);
    }
    const record: VerificationRecord = {
        update: update.update,
        startTime: update.startTime.toISOString(),
        version: update.version ?? options.config.version,
        verifiedAt: new Date().toISOString(),
    };
    recordVerified(options.root, options.stackName, record);
    return { ok: true, outputs, update: { ...update, health: "verified" }, lines: probed.map((p) => `healthy: ${p.name} ${p.url} answered ${p.answer}`) };
}

/** The line that says why an update failed: the health verification's own message when it was that. */
export function updateFailure(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const health = /Health verification failed: [^\n]*/.exec(text)?.[0];
    if (health !== undefined) return health;
    const lines = text.split("\n");
    const first = lines.findIndex((l) => /^\s*error:/i.test(l) && !/update failed\s*$/i.test(l));
    if (first === -1) return lines.map((l) => l.trim()).find((l) => l !== "") ?? "the update failed";
    // The program's own errors span several lines (one per problem), indented below the first.
    const indent = (l: string) => l.length - l.trimStart().length;
    const block = [(lines[first] ?? "").trim().replace(/^error:\s*/i, "")];
    for (const line of lines.slice(first + 1)) {
        if (line.trim() === "" || indent(line) <= indent(lines[first] ?? "")) break;
        block.push(`  ${line.trim()}`);
    }
    return block.join("\n");
}
