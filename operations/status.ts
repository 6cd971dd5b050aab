/**
 * `ade status`: one screen that answers what an on-call person asks first.
 * Which release runs and where it came from, whether every service runs and
 * is healthy, what alerts fire, whether the stack drifted from its code, and
 * how the last deploy went. Pure: cli/commands/status.ts gathers the parts.
 */
import type { Alert } from "./alerts";
import type { DriftItem } from "./drift";
import { driftLines } from "./drift";
import { isServing, ServiceState } from "./services";

/** One update of the stack's history, as status shows it. */
export interface UpdateSummary {
    readonly update: number;
    readonly version: string | undefined;
    readonly startedAt: string;
    readonly result: string;
    /** `verified`, `unverified`, `failed` or `in progress` (release/history.ts). */
    readonly health: string;
    readonly message: string;
}

/** A part that could not be read says why, instead of failing the whole report. */
export type Part<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface StatusReport {
    readonly stack: string;
    /** The newest update that succeeded: what runs. */
    readonly running: UpdateSummary | undefined;
    /** The newest update of any result: the last deploy, rollback or `pulumi up`. */
    readonly lastUpdate: UpdateSummary | undefined;
    readonly services: Part<readonly ServiceState[]>;
    readonly alerts: Part<readonly Alert[]>;
    /** Not checked when the caller skipped it (`--skip-drift`). */
    readonly drift: Part<readonly DriftItem[]> | { readonly ok: "skipped" };
    /** When the report was made (ISO 8601): ages are measured from it. */
    readonly at: string;
}

export function statusLines(r: StatusReport): string[] {
    const lines: string[] = [];
    const age = (iso: string) => `${ago(Date.parse(r.at) - Date.parse(iso))} ago`;
    const message = (u: UpdateSummary) => (u.message === "" ? "no message: run outside ade" : `"${u.message}"`);
    const update = (u: UpdateSummary) => `update #${u.update}, ${u.startedAt.replace("T", " ").slice(0, 19)} UTC (${age(u.startedAt)}): ${message(u)}`;

    lines.push(`stack ${r.stack}`);
    if (r.running === undefined) {
        lines.push(`  release   none: no update of ${r.stack} ever succeeded (deploy one with: ade deploy ${r.stack})`);
    } else {
        lines.push(`  release   ${r.running.version ?? "?"}, ${r.running.health === "verified" ? "verified healthy" : r.running.health} (${update(r.running)})`);
    }
    if (r.lastUpdate !== undefined && r.lastUpdate.update !== r.running?.update) {
        lines.push(`  last      ${r.lastUpdate.result}: ${update(r.lastUpdate)}`);
    }

    lines.push("", "services");
    if (!r.services.ok) {
        lines.push(`  unknown: ${r.services.problem}`);
    } else {
        const width = Math.max(8, ...r.services.value.map((s) => s.service.length));
        for (const s of r.services.value) {
            const state = s.state === "running" ? `running ${ago(Date.parse(r.at) - Date.parse(s.startedAt ?? r.at))}` : s.exitCode === undefined ? s.state : `${s.state} (exit ${s.exitCode})`;
            const mark = isServing(s) ? "ok  " : "DOWN";
            const extra = [s.health === "none" ? "" : s.health, s.restarts > 0 ? `${s.restarts} restarts` : "", s.version === undefined ? "" : `release ${s.version}`].filter((x) => x !== "");
            lines.push(`  ${mark} ${s.service.padEnd(width)}  ${state}${extra.length === 0 ? "" : `, ${extra.join(", ")}`}`);
        }
        if (r.services.value.length === 0) lines.push("  none: nothing of this stack runs");
    }

    lines.push("", "alerts");
    if (!r.alerts.ok) {
        lines.push(`  unknown: ${r.alerts.problem}`);
    } else if (r.alerts.value.length === 0) {
        lines.push("  none firing");
    } else {
        for (const a of r.alerts.value) {
            const held = a.silencedBy.length > 0 ? " [silenced]" : a.inhibited ? " [held back by a critical alert]" : "";
            lines.push(`  ${a.severity.toUpperCase().padEnd(8)} ${a.name} ${a.service} for ${age(a.since).replace(/ ago$/, "")}${held}: ${a.summary}`);
            if (a.runbook !== undefined) lines.push(`           runbook: ${a.runbook}`);
        }
    }

    lines.push("", "drift");
    if (r.drift.ok === "skipped") {
        lines.push("  not checked (--skip-drift)");
    } else if (!r.drift.ok) {
        lines.push(`  unknown: ${r.drift.problem}`);
    } else if (r.drift.value.length === 0) {
        lines.push("  none: everything is as the last update left it");
    } else {
        for (const line of driftLines(r.drift.value)) lines.push(`  ${line}`);
        lines.push(`  ade deploy ${r.stack} puts it back as the code describes it`);
    }
    return lines;
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`. */
export function ago(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}m`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h}h ${m % 60}m`;
    return `${Math.floor(h / 24)}d ${h % 24}h`;
}
