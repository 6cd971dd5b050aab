import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash, scryptSync } from "crypto";
import * as path from "path";
import { dockerLabels, labelsAcrossReleases, logOptions, splitDependsOn, WorkloadSpec } from "./workload";
import { goDuration } from "./containerService";

/** A duration as the provider reads Swarm's back (Go's, without zero trailing units: `1m`, not `1m0s`). */
export function shortDuration(seconds: number): string {
    return goDuration(seconds).replace(/(\d[hm])0s$/, "$1").replace(/(\d)h0m$/, "$1h");
}

/** Docker names of secrets and configs are at most 64 characters. */
const MAX_OBJECT_NAME = 64;

export interface SwarmServiceArgs extends WorkloadSpec {
    /** Full Docker service name. */
    readonly serviceName: string;
    /** Seconds a task gets between its stop signal and being killed: longer than the service's drain. */
    readonly stopGraceSeconds: number;
    /** How long an update watches a new task before it counts as healthy (and Swarm rolls back a failure). */
    readonly updateMonitorSeconds: number;
    /** Placement constraints of a stateful service: the node that holds its volume. */
    readonly dataNodeConstraints: readonly string[];
    /** Salt of the hashes that name secrets, unique to the stack, so equal secrets of two stacks get different names. */
    readonly secretSalt: string;
}

/** scrypt's cost parameters: how hard a secret's hash is to reverse. */
export interface SecretHashCost {
    readonly N: number;
    readonly r: number;
    readonly p: number;
}

/**
 * The cost every deployed secret was named with (Node's scrypt defaults): another cost
 * gives other names, and a deploy would replace every Swarm secret.
 */
export const PRODUCTION_SECRET_HASH_COST: SecretHashCost = { N: 16384, r: 8, p: 1 };

let secretHashCost: SecretHashCost = PRODUCTION_SECRET_HASH_COST;

/** Secret hashes of this run, by a digest of salt and value: many services name the same secret. */
const secretHashes = new Map<string, string>();

/**
 * Makes later secret names use `cost` and returns the cost it replaces. Only the unit
 * tests call it: they evaluate the swarm stacks in many processes and never deploy the
 * names, and production's cost was most of each evaluation's CPU time.
 */
export function useSecretHashCost(cost: SecretHashCost): SecretHashCost {
    const previous = secretHashCost;
    secretHashCost = cost;
    return previous;
}

/**
 * A slow, salted hash of a secret for its object's name: the name shows that the value changed,
 * never what it is. Slow on purpose (scrypt, tens of milliseconds), so each salt and value is
 * hashed once per run, not once per service that mounts it.
 */
export function secretHash(value: string, salt: string, cost: SecretHashCost = secretHashCost): string {
    const key = createHash("sha256").update(`${cost.N}:${cost.r}:${cost.p}`).update("\0").update(salt).update("\0").update(value).digest("hex");
    let hash = secretHashes.get(key);
    if (hash === undefined) {
        hash = scryptSync(value, salt, 16, { N: cost.N, r: cost.r, p: cost.p }).toString("hex").slice(0, 12);
        secretHashes.set(key, hash);
    }
    return hash;
}

/**
 * The swarm runtime's service: a replicated Swarm service found through DNS
 * (dnsrr, no virtual IP), updated task by task start-first (stateful services
 * stop-first), rolled back by Swarm when a new task fails its healthcheck, with
 * its files and secrets as Swarm configs and secrets named by their content, so
 * changing one rolls the service like a new version.
 */
export class SwarmService extends pulumi.ComponentResource {
    public readonly serviceName: pulumi.Output<string>;
    /** Changes whenever the service's spec changes. */
    public readonly revision: pulumi.Output<string>;

    constructor(name: string, args: SwarmServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        const { component, after } = splitDependsOn(opts);
        super("ade:platform:SwarmService", name, {}, component);
        const owner = ownerOf(args);
        const labels = dockerLabels(args.labels);
        // Secrets and configs are immutable and named by their content: a label that changes with the release
        // (ade.version) would replace one under the same name, which Docker refuses.
        const objectLabels = labelsAcrossReleases(args.labels);
        const configs = Object.entries(args.files ?? {}).map(([file, content]) => {
            const slug = slugOf(file);
            const hash = pulumi.output(content).apply((c) => createHash("sha256").update(c).digest("hex").slice(0, 12));
            const config = new docker.ServiceConfig(
                `${name}-config-${slug}`,
                { name: objectName(args.serviceName, slug, hash), data: pulumi.output(content).apply(base64), labels: objectLabels },
                { parent: this },
            );
            return { configId: config.id, configName: config.name, fileName: file, fileUid: owner.uid, fileGid: owner.gid, fileMode: 0o444 };
        });
        const secrets = Object.entries(args.secretFiles ?? {}).map(([file, value]) => {
            const slug = slugOf(file);
            const hash = pulumi.unsecret(pulumi.output(value).apply((v) => secretHash(v, `${args.secretSalt}:${slug}`)));
            const secret = new docker.Secret(
                `${name}-secret-${slug}`,
                { name: objectName(args.serviceName, slug, hash), data: pulumi.secret(pulumi.output(value).apply(base64)), labels: objectLabels },
                { parent: this },
            );
            return { secretId: secret.id, secretName: secret.name, fileName: file, fileUid: owner.uid, fileGid: owner.gid, fileMode: 0o400 };
        });

        // Swarm kills a running task whose checks fail `retries` times in a row: on a loaded host, a check's
        // process may wait seconds for a CPU, so one that answers late is not yet a dead task.
        const health = { intervalSeconds: 2, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 10, ...args.healthcheck };
        const hardened = args.hardened ?? false;
        const stateful = args.stateful ?? false;
        const order = stateful ? "stop-first" : "start-first";
        const service = new docker.Service(
            `${name}-service`,
            {
                name: args.serviceName,
                labels,
                mode: args.everyHost === true ? { global: true } : { replicated: { replicas: stateful ? 1 : (args.replicas ?? 1) } },
                taskSpec: {
                    containerSpec: {
                        image: args.image,
                        args: args.command,
                        env: args.env,
                        user: args.user,
                        readOnly: hardened,
                        capDrops: hardened ? ["ALL"] : undefined,
                        healthcheck: {
                            tests: health.test,
                            interval: shortDuration(health.intervalSeconds),
                            timeout: shortDuration(health.timeoutSeconds),
                            retries: health.retries,
                            startPeriod: shortDuration(health.startPeriodSeconds),
                        },
                        configs,
                        secrets,
                        mounts: [
                            ...(args.volumes ?? []).map((v) => ({ type: "volume", source: v.volumeName, target: v.containerPath })),
                            ...(args.hostMounts ?? []).map((m) => ({ type: "bind", source: m.hostPath, target: m.containerPath, readOnly: true })),
                            ...(hardened ? (args.writablePaths ?? ["/tmp"]).map((p) => ({ type: "tmpfs", target: p, tmpfsOptions: { sizeBytes: 64 * 1024 * 1024 } })) : []),
                        ],
                        stopGracePeriod: shortDuration(args.stopGraceSeconds),
                        stopSignal: args.stopSignal,
                        labels,
                    },
                    // By id: the provider reads networks back as ids, and any other spelling replaces the service on every update.
                    networksAdvanceds: args.networks.map((n) => ({ id: n.name, aliases: [...n.aliases] })),
                    placement: pulumi.output(args.image).apply((image) => ({
                        // A global service runs on every node already: no placement to prefer.
                        ...(stateful ? { constraints: [...args.dataNodeConstraints] } : args.everyHost === true ? {} : { prefs: ["spread=node.id"] }),
                        // Docker records the platform of an image it resolved by digest; saying it keeps the next plan empty.
                        ...(image.includes("@sha256:") ? { platforms: [{ architecture: "amd64", os: "linux" }] } : {}),
                    })),
                    resources: {
                        limits: {
                            memoryBytes: args.memoryMb > 0 ? args.memoryMb * 1024 * 1024 : undefined,
                            nanoCpus: args.cpus > 0 ? Math.round(args.cpus * 1e9) : undefined,
                        },
                    },
                    // Every field, as Docker stores them: the provider sends the whole block, and one left out
                    // comes back different and shows as a change on every update (pulumi-docker #1285).
                    restartPolicy: { condition: "any", maxAttempts: 0, delay: "5s", window: "0s" },
                    logDriver: { name: "json-file", options: logOptions(args.logging) },
                },
                updateConfig: {
                    parallelism: 1,
                    order,
                    failureAction: "rollback",
                    monitor: shortDuration(args.updateMonitorSeconds),
                    maxFailureRatio: "0",
                },
                rollbackConfig: { parallelism: 1, order, failureAction: "pause", monitor: shortDuration(args.updateMonitorSeconds), maxFailureRatio: "0" },
                // Tasks are found through DNS (tasks.<service>) by the entry proxy and Prometheus; no virtual IP.
                endpointSpec: { mode: "dnsrr" },
                // `pulumi up` waits until every task runs healthy, and fails when Swarm rolled the update back.
                // The provider counts replicated slots only: with a global service it fails ("no replica count"),
                // so one on every host is not waited for here; the deploy's health verification covers it.
                ...(args.everyHost === true ? {} : { convergeConfig: { delay: "1s", timeout: "5m" } }),
            },
            // Its name is fixed: a replacement must remove the old service first (Docker refuses a second one of that name).
            { parent: this, deleteBeforeReplace: true, dependsOn: after },
        );
        this.serviceName = service.name;
        this.revision = pulumi.jsonStringify(service.taskSpec).apply((t) => createHash("sha256").update(t).digest("hex").slice(0, 16));
        this.registerOutputs({ serviceName: this.serviceName, revision: this.revision });
    }
}

function base64(text: string): string {
    return Buffer.from(text, "utf8").toString("base64");
}

/** A file's name as a piece of a Docker object name: `secrets/database-password` -> `database-password`. */
function slugOf(file: string): string {
    return path.posix.basename(file).replace(/[^a-zA-Z0-9_.-]/g, "-");
}

/** `<service>-<slug>-<hash>`, the front cut so the whole stays a valid Docker name. */
function objectName(serviceName: string, slug: string, hash: pulumi.Input<string>): pulumi.Output<string> {
    const front = `${serviceName}-${slug}`.slice(0, MAX_OBJECT_NAME - 13);
    return pulumi.interpolate`${front}-${hash}`;
}

function ownerOf(args: SwarmServiceArgs): { uid: string; gid: string } {
    const [uid = "0", gid = uid] = (args.filesOwner ?? args.user ?? "0:0").split(":");
    return { uid, gid };
}
