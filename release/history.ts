/**
 * Reads a stack's update history as releases: which platform version each
 * update ran, whether it verified healthy, and which one a rollback returns to.
 * Pure: the entries come from the Automation API's `stack.history()` (all pages,
 * newest first) and the verification ledger from `.ade/releases/<stack>.json`.
 */
import { printable } from "../core/text";

/** The part of an Automation API `UpdateSummary` this module reads. */
export interface HistoryEntry {
    /** The backend's update version; file backends report 0 for every update. */
    readonly version: number;
    readonly kind: string;
    readonly startTime: Date | string;
    readonly message?: string;
    readonly result: string;
    /** `<project>:<key>` to its value; secret values are absent, only `secret: true`. */
    readonly config?: Readonly<Record<string, { readonly value?: string; readonly secret?: boolean }>>;
}

/** One update that passed health verification, as `ade deploy`/`ade rollback` record it. */
export interface VerificationRecord {
    /** Position of the update in the stack's history, oldest = 1 (see `Release.update`). */
    readonly update: number;
    /** The update's start time as history reports it (ISO 8601), so a stale ledger never matches. */
    readonly startTime: string;
    readonly version: string;
    readonly verifiedAt: string;
}

export type Health = "verified" | "unverified" | "failed" | "in progress";

export interface Release {
    /**
     * Position of the update in the stack's history, oldest = 1. Used instead of the
     * backend's version number because file backends report 0 for every update.
     */
    readonly update: number;
    /** The platform version (`<project>:version`) the update ran, if it had one. */
    readonly version: string | undefined;
    readonly startTime: Date;
    readonly result: string;
    readonly health: Health;
    readonly message: string;
    readonly entry: HistoryEntry;
}

/** How `ade rollback` names its target. */
export type RollbackRequest =
    | { readonly kind: "to"; readonly version: string }
    | { readonly kind: "steps"; readonly steps: number }
    /** What ran before a failed deploy: the newest update that succeeded, verified or not. */
    | { readonly kind: "previous" }
    /** One update by its number, verified or not (to put back what ran before). */
    | { readonly kind: "update"; readonly update: number };

export type RollbackTarget = { readonly ok: true; readonly release: Release } | { readonly ok: false; readonly problem: string };

export function isoTime(time: Date | string): string {
    return (time instanceof Date ? time : new Date(time)).toISOString();
}

/** The stack's updates (kind `update`) as releases, newest first. */
export function parseReleases(entriesNewestFirst: readonly HistoryEntry[], project: string, ledger: readonly VerificationRecord[]): Release[] {
    const total = entriesNewestFirst.length;
    return entriesNewestFirst.flatMap((entry, index): Release[] => {
        if (entry.kind !== "update") return [];
        const update = total - index;
        const startTime = new Date(entry.startTime);
        const version = entry.config?.[`${project}:version`]?.value;
        const recorded = ledger.some((r) => r.update === update && r.startTime === startTime.toISOString());
        return [{ update, version, startTime, result: entry.result, health: healthOf(entry.result, recorded), message: entry.message ?? "", entry }];
    });
}

function healthOf(result: string, recorded: boolean): Health {
    if (result === "failed") return "failed";
    if (result === "in-progress") return "in progress";
    return result === "succeeded" && recorded ? "verified" : "unverified";
}

/** Chooses the release a rollback redeploys; the problem says why there is none, and what there is. */
export function findRollbackTarget(releases: readonly Release[], request: RollbackRequest, stack: string): RollbackTarget {
    if (releases.length === 0) {
        return { ok: false, problem: `stack "${stack}" has no updates in its history: there is nothing to roll back to (deploy a release first: ade deploy ${stack})` };
    }
    const verified = releases.filter((r) => r.health === "verified" && r.version !== undefined);
    const choices = distinct(verified.map((r) => r.version ?? ""));
    const offer = choices.length === 0 ? "no release of it ever verified healthy" : `releases that verified healthy: ${choices.join(", ")}`;
    switch (request.kind) {
        case "update": {
            const release = releases.find((r) => r.update === request.update && r.result === "succeeded");
            return release === undefined ? { ok: false, problem: `update #${request.update} of stack "${stack}" is not an update that succeeded` } : { ok: true, release };
        }
        case "previous": {
            const release = releases.find((r) => r.result === "succeeded");
            return release === undefined ? { ok: false, problem: `no update of stack "${stack}" ever succeeded, so nothing ran before to put back` } : { ok: true, release };
        }
        case "to": {
            const release = verified.find((r) => r.version === request.version);
            if (release !== undefined) return { ok: true, release };
            const ran = releases.filter((r) => r.version === request.version);
            if (ran.length === 0) return { ok: false, problem: `release ${request.version} never ran on stack "${stack}" (${offer})` };
            const updates = ran.map((r) => `#${r.update} ${r.health}`).join(", ");
            return { ok: false, problem: `release ${request.version} never verified healthy on stack "${stack}" (its updates: ${updates}); ${offer}` };
        }
        case "steps": {
            if (!Number.isInteger(request.steps) || request.steps < 1) {
                return { ok: false, problem: `--steps must be a whole number of releases, 1 or more (got ${request.steps})` };
            }
            const current = releases[0]?.version;
            const earlier = choices.filter((v) => v !== current);
            const version = earlier[request.steps - 1];
            if (version === undefined) {
                const running = current === undefined ? "" : ` before the current ${current}`;
                return { ok: false, problem: `stack "${stack}" has ${earlier.length} earlier verified release(s)${running}, not ${request.steps} (${offer})` };
            }
            const release = verified.find((r) => r.version === version);
            return release === undefined ? { ok: false, problem: `release ${version} vanished from the history of "${stack}"` } : { ok: true, release };
        }
    }
}

function distinct(values: readonly string[]): string[] {
    return [...new Set(values)];
}

/**
 * The non-secret config an update ran with, keyed without the project prefix,
 * as the text values Pulumi stores (objects as JSON). Secrets are left out:
 * a rollback keeps the stack's current ones.
 */
export function nonSecretConfig(entry: HistoryEntry, project: string): Record<string, string> {
    const prefix = `${project}:`;
    const values: Record<string, string> = {};
    for (const [key, item] of Object.entries(entry.config ?? {})) {
        if (!key.startsWith(prefix) || item.secret === true || item.value === undefined) continue;
        values[key.slice(prefix.length)] = item.value;
    }
    return values;
}

/** One line of `ade history`'s table per release, newest first. */
export function historyTable(releases: readonly Release[]): string[] {
    const rows = releases.map((r) => [`#${r.update}`, printable(r.version ?? "-"), r.startTime.toISOString().replace("T", " ").slice(0, 19), r.result, r.health, printable(r.message)]);
    const header = ["UPDATE", "VERSION", "STARTED (UTC)", "RESULT", "HEALTH", "MESSAGE"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)];
}
