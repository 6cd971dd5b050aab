/**
 * The verification ledger `.ade/releases/<stack>.json`: which updates of a stack
 * verified healthy (its history cannot say) and which images a rollback pinned.
 */
import * as path from "path";
import { UserError } from "../core/errors";
import { ensureDirectory, FileChange, readTextFileIfExists, writeFileAtomic } from "../core/files";
import { printable } from "../core/text";
import type { PinnedImage, VerificationRecord } from "./history";

/**
 * What `ade` records next to the stack's history: which updates verified
 * healthy (history itself cannot say: an update's message is written before
 * its verification ran) and which images a rollback pinned.
 */
export interface Ledger {
    readonly verified: readonly VerificationRecord[];
    readonly pins: readonly PinnedImage[];
}

export function ledgerPath(root: string, stack: string): string {
    return path.join(root, ".ade", "releases", `${stack}.json`);
}

export function readLedger(root: string, stack: string): Ledger {
    const file = ledgerPath(root, stack);
    const keep = "it records which updates verified healthy: fix it or move it away";
    const text = readTextFileIfExists(file, { fix: keep });
    if (text === undefined) return { verified: [], pins: [] };
    let data: unknown;
    try {
        data = JSON.parse(text) as unknown;
    } catch {
        throw new UserError(`${printable(file)}: not valid JSON; ${keep}`);
    }
    const ledger = (typeof data === "object" && data !== null && !Array.isArray(data) ? data : undefined) as Partial<Record<keyof Ledger, unknown>> | undefined;
    const verified = ledger?.verified ?? [];
    const pins = ledger?.pins ?? [];
    const wellFormed =
        ledger !== undefined &&
        Array.isArray(verified) &&
        verified.every((r) => isRecord(r) && typeof r["update"] === "number" && typeof r["startTime"] === "string") &&
        Array.isArray(pins) &&
        pins.every((p) => isRecord(p) && typeof p["service"] === "string" && typeof p["image"] === "string");
    if (!wellFormed) throw new UserError(`${printable(file)}: not a release ledger (expected {"verified": [...], "pins": [...]}); ${keep}`);
    return { verified: verified as VerificationRecord[], pins: pins as PinnedImage[] };
}

/** The ledger file with `ledger` in it, as a change to write with others. */
export function ledgerChange(root: string, stack: string, ledger: Ledger): FileChange {
    return { file: ledgerPath(root, stack), text: `${JSON.stringify(ledger, null, 2)}\n` };
}

export function writeLedger(root: string, stack: string, ledger: Ledger): void {
    const change = ledgerChange(root, stack, ledger);
    ensureDirectory(path.dirname(change.file));
    writeFileAtomic(change.file, change.text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function recordVerified(root: string, stack: string, record: VerificationRecord): void {
    const ledger = readLedger(root, stack);
    writeLedger(root, stack, { ...ledger, verified: [...ledger.verified.filter((r) => r.update !== record.update), record] });
}

/** The ledger with `pins` in place of the pins it had, as a change to write with the stack file. */
export function pinsChange(root: string, stack: string, pins: readonly PinnedImage[]): FileChange {
    return ledgerChange(root, stack, { ...readLedger(root, stack), pins });
}
