/**
 * The verification ledger `.ade/releases/<stack>.json`: which updates of a stack
 * verified healthy (its history cannot say: an update's message is written
 * before its verification ran).
 */
import * as path from "path";
import { UserError } from "../core/errors";
import { ensureDirectory, FileChange, readTextFileIfExists, writeFileAtomic } from "../core/files";
import { printable } from "../core/text";
import type { VerificationRecord } from "./history";

/** What `ade` records next to the stack's history. */
export interface Ledger {
    readonly verified: readonly VerificationRecord[];
}

export function ledgerPath(root: string, stack: string): string {
    return path.join(root, ".ade", "releases", `${stack}.json`);
}

export function readLedger(root: string, stack: string): Ledger {
    const file = ledgerPath(root, stack);
    const keep = "it records which updates verified healthy: fix it or move it away";
    const text = readTextFileIfExists(file, { fix: keep });
    if (text === undefined) return { verified: [] };
    let data: unknown;
    try {
        data = JSON.parse(text) as unknown;
    } catch {
        throw new UserError(`${printable(file)}: not valid JSON; ${keep}`);
    }
    const ledger = (typeof data === "object" && data !== null && !Array.isArray(data) ? data : undefined) as Partial<Record<keyof Ledger, unknown>> | undefined;
    const verified = ledger?.verified ?? [];
    const wellFormed =
        ledger !== undefined && Array.isArray(verified) && verified.every((r) => isRecord(r) && typeof r["update"] === "number" && typeof r["startTime"] === "string");
    if (!wellFormed) throw new UserError(`${printable(file)}: not a release ledger (expected {"verified": [...]}); ${keep}`);
    return { verified: verified as VerificationRecord[] };
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

