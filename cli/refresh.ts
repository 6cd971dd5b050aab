/**
 * The engine side of drift: `pulumi refresh --preview-only` through the
 * Automation API, which reads every resource back from Docker and changes
 * nothing, neither Docker nor the state.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { DriftItem, driftFromEvents } from "../operations/drift";
import { UserError } from "../core/errors";

export interface DriftCheck {
    readonly items: DriftItem[];
    /** How many resources were read back. */
    readonly checked: number;
}

export async function readDrift(stack: Stack): Promise<DriftCheck> {
    const events: EngineEvent[] = [];
    let result;
    try {
        result = await stack.previewRefresh({ onEvent: (e) => events.push(e), color: "never" });
    } catch (error) {
        const text = String((error as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? (error as Error).message);
        const reason = text.split("\n").find((l) => /error:/i.test(l))?.trim() ?? text.trim().split("\n")[0] ?? "";
        throw new UserError(`reading ${stack.name} back from Docker failed (pulumi refresh --preview-only): ${reason}`);
    }
    const checked = Object.values(result.changeSummary ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
    return { items: driftFromEvents(events), checked };
}
