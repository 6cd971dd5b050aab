import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { StackConfig } from "../config/schema";
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

/** Every endpoint of the stack the verification probes, as reached from where the deploy runs (`healthCheck.address`). */
export function stackHealthTargets(c: StackConfig): HealthTarget[] {
    const probe = c.healthCheck.address;
    const prometheusUrl = `http://${probe}:${c.monitoring.prometheus.hostPort}`;
    const targets: HealthTarget[] = [
        ...Object.entries(c.services).flatMap(([serviceName, s]) => [
            { name: serviceName, url: `http://${probe}:${s.hostPort}${s.healthPath}` },
            ...(s.readyPath === null ? [] : [{ name: `${serviceName} (ready)`, url: `http://${probe}:${s.hostPort}${s.readyPath}` }]),
        ]),
        { name: "prometheus", url: `${prometheusUrl}/-/healthy` },
        { name: "alertmanager", url: `http://${probe}:${c.monitoring.alertmanager.hostPort}/-/healthy` },
        { name: "grafana", url: `http://${probe}:${c.monitoring.grafana.hostPort}/api/health` },
        { name: "scrape targets", url: `${prometheusUrl}/api/v1/targets`, kind: "prometheus-targets" },
    ];
    if (c.debug.dbAdmin.enabled) targets.push({ name: "dbadmin", url: `http://${probe}:${c.debug.dbAdmin.hostPort}/` });
    return targets;
}
