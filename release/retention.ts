/**
 * Which releases' images `ade release` may delete: all but the newest `keep`,
 * and never one that a stack runs now or could roll back to. Pure.
 */
import type { ReleaseRecord } from "./records";

export interface RetentionPlan {
    /** Releases whose images are removed, newest first. */
    readonly prune: readonly ReleaseRecord[];
    /** Releases kept although older than the newest `keep`, each with why. */
    readonly protected: readonly { readonly version: string; readonly why: string }[];
}

/**
 * @param records every release, newest first (as parseRecords returns them)
 * @param keep how many of the newest releases always stay
 * @param inUse version -> why it must stay (a stack runs it, or a stack could roll back to it)
 */
export function retentionPlan(records: readonly ReleaseRecord[], keep: number, inUse: ReadonlyMap<string, string>): RetentionPlan {
    const older = records.slice(keep).filter((r) => r.pruned !== true);
    const kept: { version: string; why: string }[] = [];
    const prune: ReleaseRecord[] = [];
    for (const record of older) {
        const why = inUse.get(record.version);
        if (why === undefined) prune.push(record);
        else kept.push({ version: record.version, why });
    }
    return { prune, protected: kept };
}
