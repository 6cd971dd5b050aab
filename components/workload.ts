/**
 * What one service of the platform needs, described once, whatever runs it:
 * image, command, environment, files and secrets, networks, ports, volumes,
 * health, limits and hardening. A runtime (components/runtime.ts) turns a
 * `WorkloadSpec` into Docker resources.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where a service's files (config and secrets) appear, read-only. */
export const FILES_DIR = "/run/ade";
/** Where secret files land inside every service. */
export const SECRETS_DIR = `${FILES_DIR}/secrets`;

/** json-file log rotation. */
export interface LogRotation {
    readonly maxSizeMb: number;
    readonly maxFiles: number;
}

/** What every component hands on to each service it runs. */
export interface WorkloadDefaults {
    /** Docker labels (project, stack, environment); components add `ade.service`. */
    readonly labels: Record<string, pulumi.Input<string>>;
    readonly logging: LogRotation;
}

export interface PublishedPort {
    readonly containerPort: number;
    readonly hostPort: number;
    /** Host address to bind; 127.0.0.1 keeps the port on loopback. */
    readonly hostAddress: string;
}

export interface Healthcheck {
    /** Docker healthcheck test, e.g. `["CMD", "pg_isready"]`. */
    readonly test: string[];
    readonly intervalSeconds?: number;
    readonly timeoutSeconds?: number;
    readonly retries?: number;
    readonly startPeriodSeconds?: number;
}

export interface ImageBuild {
    /** Build context directory (absolute). */
    readonly context: string;
    readonly dockerfile?: string;
    readonly args?: Record<string, pulumi.Input<string>>;
}

export interface WorkloadSpec extends WorkloadDefaults {
    /** The service's name in its stack (`api`, `postgres`): Docker names end with it. */
    readonly service: string;
    /** Image to run (the id of a pulled or built image). */
    readonly image: pulumi.Input<string>;
    /** Arguments to the image's entrypoint; the image's default command when absent. */
    readonly command?: pulumi.Input<string>[];
    /** Non-secret environment variables. Secrets never go here: use `secretFiles`. */
    readonly env?: Record<string, pulumi.Input<string>>;
    /** Non-secret files (mode 0444): path under FILES_DIR to content. */
    readonly files?: Record<string, pulumi.Input<string>>;
    /**
     * Where files go on a volume (the containers runtime), the image that copies them there (it needs
     * `sh`, `cp` and `chown`); the service's own image when absent. One that changes less often than
     * the service's own spares a replacement of the copy, on the update's critical path, at every new version.
     */
    readonly filesImage?: pulumi.Input<string>;
    /** Secrets delivered as files (mode 0400, owned by `filesOwner`): path under FILES_DIR to secret value. */
    readonly secretFiles?: Record<string, pulumi.Input<string>>;
    /** `uid:gid` that owns the files: the user that reads them. Defaults to `user`, else root. */
    readonly filesOwner?: string;
    /** Networks to join (by name or id, as the runtime refers to them: `Runtime.networksBy`), each with the DNS aliases the service answers to there. */
    readonly networks: readonly { readonly name: pulumi.Input<string>; readonly aliases: readonly string[] }[];
    /** Host ports; none by default, so nothing is reachable from the host. */
    readonly ports?: readonly PublishedPort[];
    /** Named volumes to mount: volume name to container path. */
    readonly volumes?: readonly { readonly volumeName: pulumi.Input<string>; readonly containerPath: string }[];
    /** Host paths mounted read-only (a host metrics exporter reads the host's /proc, /sys and /). */
    readonly hostMounts?: readonly { readonly hostPath: string; readonly containerPath: string }[];
    /** One instance on every host of the runtime (host metrics), rather than one for the stack. Defaults to false. */
    readonly everyHost?: boolean;
    readonly healthcheck: Healthcheck;
    /**
     * Whether the update waits until the service reports healthy. Defaults to true;
     * the application's services turn it off because the platform's health
     * verification waits for them and reports what they answered.
     */
    readonly waitForHealthy?: boolean;
    /** `uid[:gid]` to run as; the image's user when absent. */
    readonly user?: string;
    /** Memory limit in MiB; 0 means no limit. */
    readonly memoryMb: number;
    /** CPU limit in CPUs; 0 means no limit. */
    readonly cpus: number;
    /**
     * No-new-privileges, every capability dropped, and a read-only root filesystem.
     * Off by default; production turns it on.
     */
    readonly hardened?: boolean;
    /** Paths that stay writable (tmpfs) when the root filesystem is read-only. */
    readonly writablePaths?: readonly string[];
    /** Signal that asks the service to stop gracefully; the image's (SIGTERM) when absent. */
    readonly stopSignal?: string;
    /** HTTP path that answers 200 while the service should get requests: what a proxy in front checks. */
    readonly readinessPath?: string;
    /** HTTP path that answers 200 while the service serves at all, draining included: where a proxy sends requests when no task is ready. */
    readonly livenessPath?: string;
    /** How many instances run at once where the runtime can run several; 1 by default. */
    readonly replicas?: number;
    /**
     * The service keeps its data on a named volume (`volumes`): one instance, on the
     * host that holds the volume, stopped before its replacement starts.
     */
    readonly stateful?: boolean;
}

/** Docker's list form of a label map. */
export function dockerLabels(labels: Record<string, pulumi.Input<string>>): { label: string; value: pulumi.Input<string> }[] {
    return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

/**
 * Labels for what must outlive a release (a files volume, an immutable Swarm secret or config):
 * the stack's and the service's, not the version, whose change would replace the object.
 */
export function labelsAcrossReleases(labels: Record<string, pulumi.Input<string>>): { label: string; value: pulumi.Input<string> }[] {
    return dockerLabels(Object.fromEntries(Object.entries(labels).filter(([label]) => label !== "ade.version")));
}

/** json-file options for a rotation policy. */
export function logOptions(logging: LogRotation): Record<string, string> {
    return { "max-size": `${logging.maxSizeMb}m`, "max-file": String(logging.maxFiles) };
}

/**
 * A healthcheck that GETs `http://127.0.0.1:<port><path>` inside the container
 * and passes on HTTP 200, with wget where the image has it (busybox-based
 * public images) and bash's /dev/tcp otherwise (Debian-based local images).
 */
export function httpHealthcheck(port: number, path: string): Healthcheck {
    const bash = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf "GET ${path} HTTP/1.0\\r\\n\\r\\n" >&3 && read -r _ code _ <&3 && [ "$code" = 200 ]`;
    return { test: ["CMD", "sh", "-c", `if command -v wget >/dev/null 2>&1; then exec wget -q -O /dev/null http://127.0.0.1:${port}${path}; fi; exec bash -c '${bash}'`] };
}

/**
 * Splits a service component's `dependsOn` off its options, for the resource that runs the
 * service. On the component itself it would hold back every child, the service's files,
 * secrets and configs too: the SDK registers a child only once its parent is registered,
 * and a parent only once everything it depends on exists (the database healthy).
 */
export function splitDependsOn(opts: pulumi.ComponentResourceOptions): { component: pulumi.ComponentResourceOptions; after: pulumi.Input<pulumi.Resource>[] } {
    const { dependsOn, ...component } = opts;
    if (dependsOn === undefined) return { component, after: [] };
    if (Array.isArray(dependsOn)) return { component, after: dependsOn };
    if (pulumi.Resource.isInstance(dependsOn)) return { component, after: [dependsOn] };
    throw new TypeError("a service's dependsOn must be a resource or a list of resources, not an output or a promise of them");
}
