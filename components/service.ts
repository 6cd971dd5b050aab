import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** Where secret files land inside every container. */
export const SECRETS_DIR = "/run/secrets";

export interface ServiceBuild {
    /** Build context directory, relative to the project root. */
    readonly context: string;
    readonly dockerfile?: string;
    readonly args?: Record<string, pulumi.Input<string>>;
}

export interface PublishedPort {
    readonly containerPort: number;
    readonly hostPort: number;
    /** Host address to bind; 127.0.0.1 keeps the port on loopback. */
    readonly hostAddress: string;
}

export interface ServiceHealthcheck {
    /** Docker healthcheck test, e.g. `["CMD", "pg_isready"]`. */
    readonly test: string[];
    readonly intervalSeconds?: number;
    readonly timeoutSeconds?: number;
    readonly retries?: number;
    readonly startPeriodSeconds?: number;
}

export interface ServiceArgs {
    /** Full Docker container name. */
    readonly containerName: pulumi.Input<string>;
    /** Image to run; with `build`, the tag the built image gets. */
    readonly image: pulumi.Input<string>;
    /** Build the image from a local context instead of using an existing one. */
    readonly build?: ServiceBuild;
    /** Networks to join, each with the DNS aliases the container answers to there. */
    readonly networks: readonly { readonly name: pulumi.Input<string>; readonly aliases: readonly string[] }[];
    /** Host ports; none by default, so nothing is reachable from the host. */
    readonly ports?: readonly PublishedPort[];
    /** Non-secret environment variables. Secrets never go here: use `secretFiles`. */
    readonly env?: Record<string, pulumi.Input<string>>;
    /** Secrets delivered as read-only files: container path to secret value. */
    readonly secretFiles?: Record<string, pulumi.Input<string>>;
    /** Non-secret files written into the container before it starts: path to content. */
    readonly files?: Record<string, pulumi.Input<string>>;
    /** Named volumes to mount: volume name to container path. */
    readonly volumes?: readonly { readonly volumeName: pulumi.Input<string>; readonly containerPath: string }[];
    /** Arguments to the image's entrypoint; the image's default command when absent. */
    readonly command?: pulumi.Input<string>[];
    readonly healthcheck: ServiceHealthcheck;
    /** `uid[:gid]` to run as; the image's user when absent. */
    readonly user?: string;
    /** Memory limit in MiB; 0 means no limit. */
    readonly memoryMb: number;
    /** CPU limit in CPUs; 0 means no limit. */
    readonly cpus: number;
    /**
     * No-new-privileges, every capability dropped, and a read-only root filesystem
     * when the container receives no files. Off by default; production turns it on.
     */
    readonly hardened?: boolean;
    /** Paths that stay writable (tmpfs) when the root filesystem is read-only. */
    readonly writablePaths?: readonly string[];
    readonly labels: Record<string, pulumi.Input<string>>;
    readonly logging: { readonly maxSizeMb: number; readonly maxFiles: number };
    /**
     * Whether the update waits until Docker reports the container healthy. Defaults to true;
     * the application's services turn it off because the platform's health verification
     * waits for them and reports what they answered.
     */
    readonly waitForHealthy?: boolean;
    /** Seconds to wait for the container to report healthy before the update fails. Defaults to 120. */
    readonly healthyTimeoutSeconds?: number;
}

/**
 * One container of the platform, with everything every container gets:
 * healthcheck and waiting for healthy, restart policy, limits, rotated
 * json-file logs, labels, secrets as files and optional hardening.
 */
export class Service extends pulumi.ComponentResource {
    public readonly containerName: pulumi.Output<string>;
    public readonly containerId: pulumi.Output<string>;
    /** The image the container runs (after the build, when there is one). */
    public readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: ServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Service", name, {}, opts);

        let image: pulumi.Output<string> = pulumi.output(args.image);
        if (args.build !== undefined) {
            const built = new docker.Image(
                `${name}-image`,
                {
                    imageName: args.image,
                    skipPush: true,
                    buildOnPreview: false,
                    build: {
                        context: args.build.context,
                        dockerfile: args.build.dockerfile,
                        args: args.build.args,
                        builderVersion: docker.BuilderVersion.BuilderV1,
                        platform: "linux/amd64",
                    },
                },
                { parent: this },
            );
            image = built.imageName;
        }

        const uploads = [
            ...Object.entries(args.files ?? {}).map(([file, content]) => ({ file, content, permissions: "0444" })),
            // The pinned provider cannot set an owner, so the files stay root's; 0444
            // lets the container's non-root user read them, as Docker's own secrets do.
            ...Object.entries(args.secretFiles ?? {}).map(([file, content]) => ({ file, content: pulumi.secret(content), permissions: "0444" })),
        ];
        const hardened = args.hardened ?? false;
        // Docker refuses to copy files into a container whose root filesystem is
        // read-only, and the pinned provider copies uploads to "/", so a container
        // that receives files keeps a writable root (the rest of the hardening stays).
        const readOnlyRoot = hardened && uploads.length === 0;

        // Docker names are unique on a host, so a replacement must free the name first.
        const container = new docker.Container(
            `${name}-container`,
            {
                name: args.containerName,
                image,
                command: args.command,
                envs: Object.entries(args.env ?? {}).map(([k, v]) => pulumi.interpolate`${k}=${v}`),
                uploads,
                networksAdvanced: args.networks.map((n) => ({ name: n.name, aliases: [...n.aliases] })),
                ports: (args.ports ?? []).map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.hostAddress, protocol: "tcp" })),
                volumes: (args.volumes ?? []).map((v) => ({ volumeName: v.volumeName, containerPath: v.containerPath })),
                healthcheck: {
                    tests: args.healthcheck.test,
                    interval: `${args.healthcheck.intervalSeconds ?? 5}s`,
                    timeout: `${args.healthcheck.timeoutSeconds ?? 3}s`,
                    retries: args.healthcheck.retries ?? 5,
                    startPeriod: `${args.healthcheck.startPeriodSeconds ?? 5}s`,
                },
                wait: args.waitForHealthy ?? true,
                waitTimeout: args.healthyTimeoutSeconds ?? 120,
                restart: "unless-stopped",
                user: args.user,
                memory: args.memoryMb > 0 ? args.memoryMb : undefined,
                cpus: args.cpus > 0 ? String(args.cpus) : undefined,
                readOnly: readOnlyRoot,
                securityOpts: hardened ? ["no-new-privileges:true"] : undefined,
                capabilities: hardened ? { drops: ["ALL"] } : undefined,
                tmpfs: hardened ? Object.fromEntries((args.writablePaths ?? ["/tmp"]).map((p) => [p, "rw,nosuid,nodev,size=64m"])) : undefined,
                logDriver: "json-file",
                logOpts: { "max-size": `${args.logging.maxSizeMb}m`, "max-file": String(args.logging.maxFiles) },
                labels: Object.entries(args.labels).map(([label, value]) => ({ label, value })),
            },
            { parent: this, deleteBeforeReplace: true },
        );

        this.containerName = container.name;
        this.containerId = container.id;
        this.imageRef = image;
        this.registerOutputs({ containerName: this.containerName, containerId: this.containerId, imageRef: this.imageRef });
    }
}
