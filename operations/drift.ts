/**
 * Drift: what changed outside Pulumi since the stack's last update, read from
 * the engine events of `pulumi refresh --preview-only` (Automation API
 * `previewRefresh`). A refresh reads every resource back from Docker and
 * compares it with the state: a resource Docker no longer has is a delete, a
 * container stopped by hand or changed reads back different properties.
 * Pure: the events come from the caller.
 */

/** The part of an engine event read here (`resOutputsEvent.metadata`). */
export interface RefreshEvent {
    readonly resOutputsEvent?: {
        readonly metadata: {
            readonly op: string;
            readonly urn: string;
            readonly type: string;
            readonly diffs?: readonly string[];
            readonly old?: { readonly outputs?: Record<string, unknown>; readonly inputs?: Record<string, unknown> } | null;
        };
    };
}

export interface DriftItem {
    /** The resource's name in the program (`ade-api-container`). */
    readonly resource: string;
    /** `container`, `network`, `volume`, ... */
    readonly kind: string;
    /** Its Docker name, when it has one. */
    readonly dockerName: string | undefined;
    readonly change: "removed" | "stopped" | "changed";
    /** The properties that read back different (empty when removed). */
    readonly properties: readonly string[];
}

export function driftFromEvents(events: readonly RefreshEvent[]): DriftItem[] {
    return events.flatMap((event): DriftItem[] => {
        const m = event.resOutputsEvent?.metadata;
        if (m === undefined || (m.op !== "update" && m.op !== "delete")) return [];
        const resource = m.urn.slice(m.urn.lastIndexOf("::") + 2);
        const kind = m.type.slice(m.type.lastIndexOf(":") + 1).toLowerCase();
        const name = m.old?.outputs?.["name"] ?? m.old?.inputs?.["name"];
        const properties = [...(m.diffs ?? [])].sort();
        const change = m.op === "delete" ? "removed" : properties.includes("mustRun") ? "stopped" : "changed";
        return [{ resource, kind, dockerName: typeof name === "string" ? name : undefined, change, properties: m.op === "delete" ? [] : properties }];
    });
}

/** One line per drifted resource: `container ade-development-api: stopped outside Pulumi (mustRun, ports read back different)`. */
export function driftLines(items: readonly DriftItem[]): string[] {
    return items.map((d) => {
        const what = `${d.kind} ${d.dockerName ?? d.resource}`;
        switch (d.change) {
            case "removed":
                return `${what}: removed outside Pulumi`;
            case "stopped":
                return `${what}: stopped outside Pulumi (${d.properties.join(", ")} read back different)`;
            case "changed":
                return `${what}: changed outside Pulumi (${d.properties.join(", ")} read back different)`;
        }
    });
}
