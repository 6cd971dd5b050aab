/**
 * Shows what an update is doing from the Automation API's engine events:
 * which resources change and how long each took, and the elapsed time. On a
 * terminal one status line is rewritten in place and only finished changes
 * stay; in CI (`CI=true`) or when output is piped, every step is a plain line.
 */
import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { escapeLines, escapeText } from "../core/text";

export type ProgressMode = "tty" | "plain";

export interface ProgressOptions {
    readonly mode: ProgressMode;
    readonly write: (text: string) => void;
    /** Milliseconds clock; tests pass a fake one. */
    readonly now?: () => number;
}

/** `tty` for an interactive terminal outside CI, else `plain`. */
export function progressMode(env: NodeJS.ProcessEnv = process.env, isTty: boolean = process.stdout.isTTY === true): ProgressMode {
    const ci = env["CI"];
    return isTty && (ci === undefined || ci === "" || ci === "false" || ci === "0") ? "tty" : "plain";
}

const VERBS: Readonly<Record<string, [string, string]>> = {
    create: ["creating", "created"],
    update: ["updating", "updated"],
    delete: ["deleting", "deleted"],
    replace: ["replacing", "replaced"],
    "create-replacement": ["creating replacement", "created replacement"],
    "delete-replaced": ["deleting replaced", "deleted replaced"],
    // No refresh: `ade deploy` names the drift it repairs before the update; every resource read back is noise.
    import: ["importing", "imported"],
};

/** `name (type)` of a URN: `urn:pulumi:dev::ade::a$b$docker:index/container:Container::ade-api-container`. */
export function describeUrn(urn: string): string {
    const parts = urn.split("::");
    const name = parts[3] ?? urn;
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return type === "" ? name : `${name} (${type})`;
}

/** `2 created, 1 updated, 9 unchanged` from an engine change summary. */
export function describeChanges(changes: OpMap | undefined, tense: "past" | "future" = "past"): string {
    const entries = Object.entries(changes ?? {}).filter(([, n]) => (n ?? 0) > 0);
    if (entries.length === 0) return "no changes";
    return entries
        .map(([op, n]) => {
            if (op === "same") return `${n} unchanged`;
            const verb = VERBS[op]?.[1] ?? op;
            return tense === "past" ? `${n} ${verb}` : `${n} to ${op}`;
        })
        .join(", ");
}

export class Progress {
    private readonly started: number;
    private readonly now: () => number;
    private readonly running = new Map<string, { verb: string; started: number }>();
    private done = 0;
    private statusShown = false;
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly label: string,
        private readonly options: ProgressOptions,
    ) {
        this.now = options.now ?? Date.now;
        this.started = this.now();
        if (options.mode === "tty") {
            this.timer = setInterval(() => this.status(), 1000);
            this.timer.unref();
        }
        this.line(`${label}...`);
    }

    /** Hand this to `stack.up({ onEvent })`. */
    readonly onEvent = (event: EngineEvent): void => {
        const pre = event.resourcePreEvent?.metadata;
        const done = event.resOutputsEvent?.metadata;
        const failed = event.resOpFailedEvent?.metadata;
        const diagnostic = event.diagnosticEvent;
        if (pre !== undefined && VERBS[pre.op] !== undefined) {
            this.running.set(pre.urn, { verb: VERBS[pre.op]?.[0] ?? pre.op, started: this.now() });
            if (this.options.mode === "plain") this.line(`${VERBS[pre.op]?.[0] ?? pre.op} ${describeUrn(pre.urn)}`);
        } else if (done !== undefined && VERBS[done.op] !== undefined) {
            const began = this.running.get(done.urn)?.started ?? this.now();
            this.running.delete(done.urn);
            this.done += 1;
            this.line(`${VERBS[done.op]?.[1] ?? done.op} ${describeUrn(done.urn)} in ${seconds(this.now() - began)}`);
        } else if (failed !== undefined) {
            this.running.delete(failed.urn);
            this.line(`FAILED ${VERBS[failed.op]?.[0] ?? failed.op} ${describeUrn(failed.urn)}`);
        } else if (diagnostic !== undefined && diagnostic.severity === "error" && diagnostic.ephemeral !== true) {
            // Stack frames of a failed program say nothing the first lines do not.
            const lines = diagnostic.message.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("at "));
            for (const text of lines.slice(0, 12)) this.line(`error: ${text}`);
        } else if (event.summaryEvent !== undefined) {
            this.line(`${this.label}: ${describeChanges(event.summaryEvent.resourceChanges)}`);
        }
        this.status();
    };

    /** Prints a line, above the status line on a terminal. */
    line(text: string): void {
        this.clearStatus();
        this.options.write(`[${seconds(this.now() - this.started).padStart(6)}] ${escapeLines(text)}\n`);
    }

    /** Stops the clock and removes the status line. */
    finish(): void {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
        this.clearStatus();
    }

    private status(): void {
        if (this.options.mode !== "tty" || this.timer === undefined) return;
        const current = [...this.running.entries()].map(([urn, r]) => `${describeUrn(urn).split(" ")[0] ?? urn} (${r.verb})`);
        const doing = current.length === 0 ? "" : `: ${current.slice(0, 2).join(", ")}${current.length > 2 ? ` +${current.length - 2}` : ""}`;
        const text = escapeText(`${this.label} ${seconds(this.now() - this.started)}, ${this.done} done${doing}`);
        const width = process.stdout.columns ?? 100;
        this.options.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
        this.statusShown = true;
    }

    private clearStatus(): void {
        if (!this.statusShown) return;
        this.options.write("\r\x1b[2K");
        this.statusShown = false;
    }
}

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)}s`;
}
