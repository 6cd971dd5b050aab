import * as docker from "@pulumi/docker";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { dockerLabels, FILES_DIR, labelsAcrossReleases, logOptions, splitDependsOn, WorkloadSpec } from "./workload";

/** Docker healthcheck timing: short intervals, so waiting for healthy costs about a second, not five. */
const HEALTHCHECK_DEFAULTS = { intervalSeconds: 1, timeoutSeconds: 3, retries: 3, startPeriodSeconds: 20 };

/**
 * How long an update waits for a container to report healthy. The provider waits this long
 * even after Docker says unhealthy, so it bounds how long a broken update takes to fail.
 */
const HEALTHY_TIMEOUT_SECONDS = 60;

/** Seconds a container gets between its stop signal and being killed, when it is replaced or removed. */
const STOP_GRACE_SECONDS = 10;

/**
 * A CPU limit as the provider reads it back from Docker (`1` reads back as `"1.0"`): any other
 * spelling replaces the container on every update.
 */
export function dockerCpus(cpus: number): string {
    return Number.isInteger(cpus) ? cpus.toFixed(1) : String(cpus);
}

/** A duration as Go prints it, which is how the provider reads healthcheck timings back (`60s` reads back as `1m0s`). */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError(`healthcheck timings are whole positive seconds (got ${seconds})`);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    if (hours > 0) return `${hours}h${minutes}m${seconds % 60}s`;
    return minutes === 0 ? `${seconds}s` : `${minutes}m${seconds % 60}s`;
}

export interface ContainerServiceArgs extends WorkloadSpec {
    /** Full Docker container name. */
    readonly containerName: string;
    /** Seconds to wait for the container to report healthy before the update fails. Defaults to 120. */
    readonly healthyTimeoutSeconds?: number;
}

/**
 * The containers runtime's service: one container, with everything every
 * container gets: healthcheck and waiting for healthy, restart policy, limits,
 * rotated json-file logs, labels, secrets as files and optional hardening.
 */
export class ContainerService extends pulumi.ComponentResource {
    public readonly containerName: pulumi.Output<string>;
    public readonly containerId: pulumi.Output<string>;
    /** The image the container runs (after the build, when there is one). */
    public readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: ContainerServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        // Named Service before the runtimes were split: the alias keeps existing stacks' resources.
        const { component, after } = splitDependsOn(opts);
        super("ade:platform:ContainerService", name, {}, pulumi.mergeOptions(component, { aliases: [{ type: "ade:platform:Service" }] }));

        const image = pulumi.output(args.image);
        const hardened = args.hardened ?? false;
        const labelList = dockerLabels(args.labels);
        const files = this.deliverFiles(name, args, args.filesImage ?? image);
        const health = { ...HEALTHCHECK_DEFAULTS, ...args.healthcheck };
        const healthcheck = {
            tests: health.test,
            interval: goDuration(health.intervalSeconds),
            timeout: goDuration(health.timeoutSeconds),
            retries: health.retries,
            startPeriod: goDuration(health.startPeriodSeconds),
        };
        const tmpfs = hardened ? Object.fromEntries((args.writablePaths ?? ["/tmp"]).map((p) => [p, "rw,nosuid,nodev,size=64m"])) : undefined;
        // The provider records a changed healthcheck or tmpfs without telling Docker: a label of
        // them makes such a change replace the container, so what runs is what the config says.
        const settings = createHash("sha256").update(JSON.stringify({ healthcheck, tmpfs: tmpfs ?? null })).digest("hex").slice(0, 16);
        // Docker names are unique on a host, so a replacement must free the name first.
        const container = new docker.Container(
            `${name}-container`,
            {
                name: args.containerName,
                image,
                command: args.command,
                envs: Object.entries(args.env ?? {}).map(([k, v]) => pulumi.interpolate`${k}=${v}`),
                networksAdvanced: args.networks.map((n) => ({ name: n.name, aliases: [...n.aliases] })),
                ports: (args.ports ?? []).map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.hostAddress, protocol: "tcp" })),
                volumes: [
                    ...(args.volumes ?? []).map((v) => ({ volumeName: v.volumeName, containerPath: v.containerPath })),
                    ...(args.hostMounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: true })),
                    ...(files === undefined ? [] : [{ volumeName: files.volumeName, containerPath: FILES_DIR, readOnly: true }]),
                ],
                healthcheck,
                wait: args.waitForHealthy ?? true,
                waitTimeout: args.healthyTimeoutSeconds ?? HEALTHY_TIMEOUT_SECONDS,
                restart: "unless-stopped",
                user: args.user,
                memory: args.memoryMb > 0 ? args.memoryMb : undefined,
                // No swap beyond the memory limit: Docker would otherwise allow as much swap again,
                // and read back a swap limit the program never set (a diff on every update).
                memorySwap: args.memoryMb > 0 ? args.memoryMb : undefined,
                cpus: args.cpus > 0 ? dockerCpus(args.cpus) : undefined,
                // A stop signal first, so a service finishes its open requests instead of being killed.
                destroyGraceSeconds: STOP_GRACE_SECONDS,
                stopSignal: args.stopSignal,
                readOnly: hardened,
                securityOpts: hardened ? ["no-new-privileges:true"] : undefined,
                capabilities: hardened ? { drops: ["ALL"] } : undefined,
                tmpfs,
                logDriver: "json-file",
                logOpts: logOptions(args.logging),
                // New files mean a new container, which reads them at start.
                labels: [...labelList, { label: "ade.settings", value: settings }, ...(files === undefined ? [] : [{ label: "ade.files", value: files.version }])],
            },
            { parent: this, deleteBeforeReplace: true, dependsOn: [...after, ...(files === undefined ? [] : [files.init])] },
        );

        this.containerName = container.name;
        this.containerId = container.id;
        this.imageRef = image;
        this.registerOutputs({ containerName: this.containerName, containerId: this.containerId, imageRef: this.imageRef });
    }

    /**
     * Puts the service's files on a volume of their own, owned by the user that
     * reads them, with a one-shot container that receives them (the provider
     * copies uploads to "/", which Docker refuses for a read-only root) and
     * copies them over; the service mounts that volume read-only.
     */
    private deliverFiles(
        name: string,
        args: ContainerServiceArgs,
        image: pulumi.Input<string>,
    ): { volumeName: pulumi.Output<string>; init: docker.Container; version: pulumi.Output<string> } | undefined {
        const staged = (path: string) => {
            if (!path.startsWith(`${FILES_DIR}/`)) throw new Error(`${name}: file ${path} must be under ${FILES_DIR}`);
            return `/stage/${path.slice(FILES_DIR.length + 1)}`;
        };
        const uploads = [
            ...Object.entries(args.files ?? {}).map(([file, content]) => ({ file: staged(file), content, permissions: "0444" })),
            ...Object.entries(args.secretFiles ?? {}).map(([file, content]) => ({ file: staged(file), content: pulumi.secret(content), permissions: "0400" })),
        ];
        if (uploads.length === 0) return undefined;
        const owner = args.filesOwner ?? args.user ?? "0:0";
        // The stack's labels and the service, not the version: a new version must not replace the volume
        // (a delete-first replacement that would take the running service down before anything new is ready).
        const labels = labelsAcrossReleases(args.labels);
        const volume = new docker.Volume(
            `${name}-files`,
            { name: pulumi.interpolate`${args.containerName}-files`, labels },
            { parent: this, deleteBeforeReplace: true },
        );
        const init = new docker.Container(
            `${name}-files-init`,
            {
                name: pulumi.interpolate`${args.containerName}-files`,
                image,
                entrypoints: ["/bin/sh", "-c"],
                command: [`rm -rf /files/* && cp -a /stage/. /files/ && chown -R ${owner} /files`],
                user: "0:0",
                uploads,
                volumes: [{ volumeName: volume.name, containerPath: "/files" }],
                networkMode: "none",
                attach: true,
                mustRun: false,
                restart: "no",
                logDriver: "json-file",
                logOpts: logOptions(args.logging),
                labels,
            },
            { parent: this, deleteBeforeReplace: true },
        );
        const version = pulumi.all([init.id, init.exitCode]).apply(([id, exitCode]) => {
            if (exitCode !== undefined && exitCode !== 0) throw new Error(`${name}: copying its files failed (exit code ${exitCode}); see docker logs of ${id}`);
            return id;
        });
        return { volumeName: volume.name, init, version };
    }
}
