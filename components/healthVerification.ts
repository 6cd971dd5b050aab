import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { Target as HealthTarget } from "../monitoring/healthProbe";
import { SOURCE_ROOT } from "../core/paths";

const PROBE_SCRIPT = path.join(SOURCE_ROOT, "monitoring", "healthProbe.js");

/** What to probe: a name for messages, a URL as reached from the host, and how to judge the answer. */
export type { Target as HealthTarget } from "../monitoring/healthProbe";

export interface HealthVerificationArgs {
    readonly targets: readonly HealthTarget[];
    /** Give up and fail the update after this many seconds. */
    readonly deadlineSeconds: number;
    readonly intervalSeconds: number;
    readonly requestTimeoutSeconds: number;
    /**
     * Values that change whenever a covered service changes (container ids);
     * any change re-runs the verification.
     */
    readonly triggers: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Probes every service's health (and readiness) endpoint and Prometheus's
 * scrape targets after the services are up, and fails the update, naming the
 * service and its answer, when one stays unhealthy.
 */
export class HealthVerification extends pulumi.ComponentResource {
    /** The probe's report: one line per service. */
    public readonly report: pulumi.Output<string>;

    constructor(name: string, args: HealthVerificationArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:HealthVerification", name, {}, opts);
        const probe = new command.local.Command(
            `${name}-probe`,
            {
                create: `node "${PROBE_SCRIPT}"`,
                environment: {
                    ADE_HEALTH_TARGETS: JSON.stringify(args.targets),
                    ADE_HEALTH_DEADLINE_SECONDS: String(args.deadlineSeconds),
                    ADE_HEALTH_INTERVAL_SECONDS: String(args.intervalSeconds),
                    ADE_HEALTH_REQUEST_TIMEOUT_SECONDS: String(args.requestTimeoutSeconds),
                },
                triggers: args.triggers,
            },
            { parent: this },
        );
        this.report = probe.stdout;
        this.registerOutputs({ report: this.report });
    }
}
