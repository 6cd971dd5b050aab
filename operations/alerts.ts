/**
 * The alerts Alertmanager holds for a stack, as `ade status` shows them. Pure:
 * the caller fetches `GET /api/v2/alerts` and hands over the parsed JSON.
 */

export interface Alert {
    readonly name: string;
    readonly service: string;
    readonly severity: string;
    readonly summary: string;
    readonly runbook: string | undefined;
    /** When it started firing (ISO 8601). */
    readonly since: string;
    /** `active`: notified; `suppressed`: silenced or held back by a critical alert of the same service. */
    readonly state: "active" | "suppressed" | "unprocessed";
    /** Ids of the silences that hold it back. */
    readonly silencedBy: readonly string[];
    readonly inhibited: boolean;
}

/** The part of an Alertmanager API v2 `gettableAlert` read here. */
interface GettableAlert {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    startsAt?: string;
    status?: { state?: string; silencedBy?: string[]; inhibitedBy?: string[] };
}

const SEVERITY_ORDER = ["critical", "warning"];

/** Alertmanager's alerts, critical first, then oldest first. */
export function alertsFromApi(body: unknown): Alert[] {
    if (!Array.isArray(body)) throw new Error(`Alertmanager answered ${JSON.stringify(body).slice(0, 200)} where a list of alerts was expected`);
    return (body as GettableAlert[])
        .map((a): Alert => {
            const state = a.status?.state;
            return {
                name: a.labels?.["alertname"] ?? "?",
                service: a.labels?.["service"] ?? "",
                severity: a.labels?.["severity"] ?? "",
                summary: a.annotations?.["summary"] ?? "",
                runbook: a.annotations?.["runbook"],
                since: a.startsAt ?? "",
                state: state === "active" || state === "suppressed" ? state : "unprocessed",
                silencedBy: a.status?.silencedBy ?? [],
                inhibited: (a.status?.inhibitedBy ?? []).length > 0,
            };
        })
        .sort((a, b) => rank(a.severity) - rank(b.severity) || a.since.localeCompare(b.since) || a.name.localeCompare(b.name));
}

function rank(severity: string): number {
    const i = SEVERITY_ORDER.indexOf(severity);
    return i === -1 ? SEVERITY_ORDER.length : i;
}
