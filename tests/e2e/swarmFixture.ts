/**
 * A real two-node Docker Swarm on one machine, for the swarm suite: this
 * machine's engine as the manager, a second engine in a container (the image
 * of toolchain/images/docker-engine) as the worker, on a bridge network of
 * their own, and a registry both nodes reach as `127.0.0.1:<port>` (published
 * on the manager's loopback; forwarded on the worker's). Everything it does is
 * undone by `teardown`, which leaves the engine as it found it: not in a swarm,
 * and without the gateway bridge Swarm created.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { docker, Harness, REPO, run, StackName } from "./harness";

export interface SwarmFixture {
    /** `127.0.0.1:<port>`: the registry's address, the same on both nodes. */
    readonly registry: string;
    /** The worker node's Docker node id. */
    readonly workerNode: string;
    /** Runs a docker command on the worker's engine. */
    onWorker(args: string[]): string;
    teardown(): void;
}

/** The docker-engine image the toolchain built (its recipe names the tag). */
function engineImage(): string {
    const recipe = fs.readFileSync(path.join(REPO, "toolchain", "images", "docker-engine", "recipe.sh"), "utf8");
    const ref = /^IMAGE_REF=(\S+)$/m.exec(recipe)?.[1];
    if (ref === undefined) throw new Error("toolchain/images/docker-engine/recipe.sh names no IMAGE_REF");
    return ref;
}

/** The flags that run a second engine here (`--privileged` fails: toolchain/README.md). */
const ENGINE_FLAGS = [
    "--cap-add",
    "ALL",
    "--cap-drop",
    "SYS_RESOURCE",
    "--security-opt",
    "seccomp=unconfined",
    "--security-opt",
    "apparmor=unconfined",
    "--security-opt",
    "systempaths=unconfined",
    "--device-cgroup-rule",
    "a *:* rwm",
];

function swarmState(): string {
    return docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]);
}

async function until(seconds: number, what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!check()) {
        if (Date.now() > deadline) throw new Error(`${what}: not so after ${seconds}s`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

/**
 * Starts the swarm. `prefix` names everything it creates; `images` are loaded
 * into the worker (the local images only this machine has); the registry
 * listens on `registryPort` of both nodes' loopback.
 */
export async function startSwarm(
    prefix: string,
    registryPort: number,
    registryImage: string,
    images: readonly string[],
    /** Makes this engine the manager, advertising and listening on `address`, and labels it the data node. */
    initManager: (address: string) => void,
): Promise<SwarmFixture> {
    if (swarmState() !== "inactive") {
        throw new Error(`this engine is already part of a swarm (${swarmState()}): the swarm suite runs only on an engine it can leave as it found it`);
    }
    const hadGatewayBridge = docker(["network", "ls", "--quiet", "--filter", "name=^docker_gwbridge$"]) !== "";
    const network = `${prefix}-nodes`;
    const worker = `${prefix}-worker`;
    const registryName = `${prefix}-registry`;
    const created: { containers: string[]; volumes: string[]; network?: string } = { containers: [], volumes: [] };

    const teardown = () => {
        // Best effort, every step: a half-made swarm is taken apart as far as it got.
        const attempt = (args: string[]) => {
            try {
                docker(args);
            } catch {
                // Already gone.
            }
        };
        if (swarmState() !== "inactive") attempt(["swarm", "leave", "--force"]);
        for (const c of created.containers) attempt(["rm", "--force", "--volumes", c]);
        for (const v of created.volumes) attempt(["volume", "rm", "--force", v]);
        if (created.network !== undefined) attempt(["network", "rm", created.network]);
        if (!hadGatewayBridge) attempt(["network", "rm", "docker_gwbridge"]);
    };

    try {
        docker(["network", "create", "--driver", "bridge", network]);
        created.network = network;
        const gateway = docker(["network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", network]);
        // The database's volume lives on the manager: its tasks go where its label (ade.data) is.
        initManager(gateway);

        docker(["volume", "create", `${worker}-data`]);
        created.volumes.push(`${worker}-data`);
        docker(["run", "--detach", "--name", worker, "--hostname", worker, "--network", network, ...ENGINE_FLAGS, "--volume", `${worker}-data:/var/lib/docker`, engineImage()]);
        created.containers.push(worker);
        const onWorker = (args: string[]) => docker(["exec", worker, "docker", ...args]);
        await until(60, "the worker's engine answers", () => {
            try {
                onWorker(["info"]);
                return true;
            } catch {
                return false;
            }
        });
        onWorker(["swarm", "join", "--token", docker(["swarm", "join-token", "--quiet", "worker"]), `${gateway}:2377`]);
        const workerNode = docker(["node", "ls", "--quiet", "--filter", `name=${worker}`]);
        await until(30, "the worker is ready", () => docker(["node", "inspect", "--format", "{{.Status.State}}", workerNode]) === "ready");

        docker(["volume", "create", `${registryName}-data`]);
        created.volumes.push(`${registryName}-data`);
        docker([
            "run",
            "--detach",
            "--name",
            registryName,
            "--publish",
            `127.0.0.1:${registryPort}:5000`,
            "--publish",
            `${gateway}:${registryPort}:5000`,
            "--env",
            "REGISTRY_STORAGE_DELETE_ENABLED=true",
            "--volume",
            `${registryName}-data:/var/lib/registry`,
            registryImage,
        ]);
        created.containers.push(registryName);
        // The same reference on both nodes: the worker's loopback forwards to the manager's registry.
        docker(["exec", "--detach", worker, "socat", `TCP-LISTEN:${registryPort},bind=127.0.0.1,fork,reuseaddr`, `TCP:${gateway}:${registryPort}`]);
        if (images.length > 0) run("bash", ["-c", `docker save ${images.join(" ")} | docker exec -i ${worker} docker load`]);
        return { registry: `127.0.0.1:${registryPort}`, workerNode, onWorker, teardown };
    } catch (error) {
        teardown();
        throw error;
    }
}

/**
 * Whether this host's kernel can carry an encrypted overlay network between
 * nodes: Docker encrypts it with IPsec ESP, which needs CONFIG_INET_ESP (and
 * AES-GCM). Read from the kernel's own config; `reason` says what was found.
 */
export function kernelEncryptsOverlay(): { readonly can: boolean; readonly reason: string } {
    const needed = ["CONFIG_INET_ESP", "CONFIG_CRYPTO_GCM"];
    const sources: [string, () => string][] = [
        ["/proc/config.gz", () => gunzipSync(fs.readFileSync("/proc/config.gz")).toString("utf8")],
        [`/boot/config-${os.release()}`, () => fs.readFileSync(`/boot/config-${os.release()}`, "utf8")],
    ];
    for (const [file, read] of sources) {
        if (!fs.existsSync(file)) continue;
        const config = read();
        const missing = needed.filter((option) => !new RegExp(`^${option}=[ym]$`, "m").test(config));
        return missing.length === 0
            ? { can: true, reason: `${file} has ${needed.join(" and ")}` }
            : { can: false, reason: `${file}: ${missing.map((m) => `${m} is not set`).join(", ")}` };
    }
    return { can: true, reason: "no kernel config to read (/proc/config.gz, /boot): assumed able" };
}

/**
 * A harness copy's project on a swarm of its own, as a user sets one up: this
 * engine made the manager with `ade swarm init`, the images testing and
 * production run (not development's build base or database admin tool) loaded
 * into the worker, every stack initialised with the swarm's registry, and
 * `encryptedStacks` off where this kernel cannot encrypt overlay traffic.
 * Returns the swarm, what `ade swarm init` printed, and why encryption is off
 * (undefined when it is on).
 */
export async function startProjectSwarm(
    h: Harness,
    registryPort: number,
    encryptedStacks: readonly StackName[],
): Promise<{ swarm: SwarmFixture; init: string; noEncryption?: string }> {
    const images = h.localImages(Object.keys(h.defaultImages()).filter((key) => !["appBase", "dbAdmin"].includes(key)));
    let init = "";
    const swarm = await startSwarm(h.project, registryPort, h.localImage("registry:2.8.2"), images, (address) => {
        const made = h.ade(["swarm", "init", "--advertise-addr", address, "--listen-addr", `${address}:2377`]);
        if (made.status !== 0) throw new Error(`ade swarm init failed: ${made.stderr}`);
        init = made.stdout;
    });
    try {
        for (const stack of ["development", "testing", "production"] as const) {
            h.initStack(stack);
            h.setConfig(stack, "registry.address", swarm.registry);
        }
        // Encrypted overlay networks (the default) need IPsec ESP in the nodes' kernel.
        const esp = kernelEncryptsOverlay();
        if (!esp.can) for (const stack of encryptedStacks) h.setConfig(stack, "swarm.encryptedNetworks", "false");
        return { swarm, init, noEncryption: esp.can ? undefined : esp.reason };
    } catch (error) {
        swarm.teardown();
        throw error;
    }
}

/** Removes the project's Swarm objects and stacks, then takes the swarm apart, whatever failed before. */
export async function stopProjectSwarm(h: Harness, swarm: SwarmFixture | undefined): Promise<void> {
    try {
        h.removeSwarmObjects();
        await h.cleanUp();
    } finally {
        swarm?.teardown();
    }
}
