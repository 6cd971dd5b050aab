/**
 * The verification ledger `.ade/releases/<stack>.json`: which updates of a stack
 * verified healthy (its history cannot say) and which images a rollback pinned.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../core/errors";
import { writeFileAtomic } from "../core/files";
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
    if (!fs.existsSync(file)) return { verified: [], pins: [] };
    let data: Partial<Ledger>;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Ledger>;
    } catch (error) {
        throw new UserError(`${file}: not valid JSON (${(error as Error).message}); it records which updates verified healthy: fix it or move it away`);
    }
    return { verified: data.verified ?? [], pins: data.pins ?? [] };
}

export function writeLedger(root: string, stack: string, ledger: Ledger): void {
    const file = ledgerPath(root, stack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(ledger, null, 2)}\n`);
}

export function recordVerified(root: string, stack: string, record: VerificationRecord): void {
    const ledger = readLedger(root, stack);
    writeLedger(root, stack, { ...ledger, verified: [...ledger.verified.filter((r) => r.update !== record.update), record] });
}

export function recordPins(root: string, stack: string, pins: readonly PinnedImage[]): void {
    writeLedger(root, stack, { ...readLedger(root, stack), pins });
}
