/**
 * A Swarm of its own for the Swarm fidelity suite: a second Docker engine in a
 * container of the shared engine (ade-local/docker-engine, see
 * toolchain/images/docker-engine), on a bridge network of its own, whose
 * dockerd also listens on TCP on that network. The Swarm is initialised INSIDE
 * that engine; the shared engine's Swarm state is never touched. Everything is
 * named with the prefix and removed by `remove`.
 */
import { execFileSync } from "child_process";
import { docker, eventually } from "./harness";

export const ENGINE_IMAGE = "ade-local/docker-engine:20.10-1";

/** The flags that run dockerd in a container on these machines (--privileged fails: toolchain/images/docker-engine/recipe.sh). */
const ENGINE_FLAGS = [
    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
    "--device-cgroup-rule", "a *:* rwm",
];

export class SwarmEngine {
    readonly container: string;
    private readonly network: string;
    private readonly volume: string;
    /** The engine's address, tcp://<its address on the private network>:2375. */
    host = "";

    constructor(readonly prefix: string) {
        this.container = `${prefix}-engine`;
        this.network = `${prefix}-net`;
        this.volume = `${prefix}-data`;
    }

    /** Starts the engine, makes it a single-node Swarm manager and loads the given images of the shared engine into it. */
    async start(images: readonly string[]): Promise<void> {
        if (docker(["images", "-q", ENGINE_IMAGE]) === "") throw new Error(`image ${ENGINE_IMAGE} is missing: build it with bash toolchain/build-images.sh docker-engine`);
        this.remove();
        docker(["network", "create", this.network]);
        docker(["volume", "create", this.volume]);
        docker(["run", "-d", "--name", this.container, "--hostname", this.container, "--network", this.network, ...ENGINE_FLAGS,
            "-v", `${this.volume}:/var/lib/docker`, ENGINE_IMAGE, "-H", "unix:///var/run/docker.sock", "-H", "tcp://0.0.0.0:2375"]);
        const address = docker(["inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", this.container]);
        this.host = `tcp://${address}:2375`;
        await eventually(60, () => Promise.resolve(this.run(["info", "--format", "{{.ServerVersion}}"]) || undefined));
        this.exec(["docker", "swarm", "init", "--advertise-addr", address]);
        for (const image of images) execFileSync("sh", ["-c", 'docker save "$1" | docker exec -i "$2" docker load', "sh", image, this.container], { stdio: "ignore" });
    }

    /** The docker CLI against this engine. */
    run(args: string[], input?: string): string {
        return execFileSync("docker", ["-H", this.host, ...args], { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 }).trim();
    }

    /** A command inside the engine's container. */
    exec(args: string[]): string {
        return docker(["exec", this.container, ...args]);
    }

    /** Builds an image in the engine from a Dockerfile given as text (no build context). */
    build(tag: string, dockerfile: string): void {
        this.run(["build", "-q", "-t", tag, "-"], dockerfile);
    }

    /** Removes the engine (and with it its Swarm and everything in it), its volume and its network; safe to call twice. */
    remove(): void {
        if (docker(["ps", "-a", "-q", "--filter", `name=^${this.container}$`]) !== "") docker(["rm", "-f", "-v", this.container]);
        if (docker(["volume", "ls", "-q", "--filter", `name=^${this.volume}$`]) !== "") docker(["volume", "rm", "-f", this.volume]);
        if (docker(["network", "ls", "-q", "--filter", `name=^${this.network}$`]) !== "") docker(["network", "rm", this.network]);
    }
}
