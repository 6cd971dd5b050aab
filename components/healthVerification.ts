import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";

const PROBE_SCRIPT = path.join(__dirname, "..", "monitoring", "healthProbe.js");

export interface HealthTarget {
    /** Service name used in messages. */
    readonly name: string;
    /** Health endpoint as reached from the host, e.g. `http://127.0.0.1:8080/health`. */
    readonly url: string;
}

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
 * Probes every service's HTTP health endpoint after the containers are up and
 * fails the update, naming the service and its answer, when one stays unhealthy.
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
