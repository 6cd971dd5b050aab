/**
 * `ade registry start|stop|status`: a Docker registry (the distribution
 * registry, `registry:2.8.2`, or this machine's mirror of it) for the
 * project's releases, when no other registry can be reached: published on
 * loopback by default, its storage on a named volume that outlives the
 * container. Point stacks at it with: pulumi config set --path registry.address 127.0.0.1:5000.
 */
import { Command } from "commander";
import { spawnSync } from "child_process";
import { mirrored, readImageMirrors } from "../../config/imageMirrors";
import { UserError } from "../../core/errors";
import { printable } from "../../core/text";
import { projectName } from "../../stacks/stackFile";
import { print } from "../output";
import { projectRoot } from "../workspace";

/** The registry image the project pins; this machine's mirror replaces it where it has one. */
export const REGISTRY_IMAGE = "registry:2.8.2";

export interface RegistryOptions {
    readonly action: "start" | "stop" | "status";
    /** Host address the registry is published on; loopback by default. */
    readonly bind?: string;
    readonly port?: number;
    readonly root?: string;
}

export function registry(options: RegistryOptions): Promise<void> {
    const root = options.root ?? projectRoot();
    const project = projectName(root);
    const name = `${project}-registry`;
    const state = docker(["inspect", "--format", "{{.State.Status}}", name], true);
    switch (options.action) {
        case "status":
            print(state.ok ? `${name}: ${state.out} (${published(name)})\n` : `${name}: not created (start it with: ade registry start)\n`);
            return Promise.resolve();
        case "stop":
            if (!state.ok) {
                print(`${name}: not created; nothing to stop\n`);
            } else {
                docker(["rm", "--force", name]);
                print(`${name}: stopped and removed; its images stay in the volume ${name}-data (remove it with: docker volume rm ${name}-data)\n`);
            }
            return Promise.resolve();
        case "start": {
            if (state.ok && state.out === "running") {
                print(`${name}: already running (${published(name)})\n`);
                return Promise.resolve();
            }
            if (state.ok) docker(["rm", "--force", name]);
            const mirrors = readImageMirrors();
            if (!mirrors.ok) throw new UserError(mirrors.problem);
            const bind = options.bind ?? "127.0.0.1";
            const port = options.port ?? 5000;
            docker([
                "run",
                "--detach",
                "--name",
                name,
                "--restart",
                "unless-stopped",
                "--publish",
                `${bind}:${port}:5000`,
                "--volume",
                `${name}-data:/var/lib/registry`,
                // Retention (ade release) removes pruned releases' manifests.
                "--env",
                "REGISTRY_STORAGE_DELETE_ENABLED=true",
                "--label",
                `ade.project=${project}`,
                mirrored(REGISTRY_IMAGE, mirrors.mirrors),
            ]);
            print(`${name}: running on ${bind}:${port}; point a stack at it with: pulumi config set --path registry.address ${bind === "0.0.0.0" ? "127.0.0.1" : bind}:${port} --stack <stack>\n`);
            return Promise.resolve();
        }
    }
}

function published(name: string): string {
    const port = docker(["port", name, "5000/tcp"], true);
    return port.ok && port.out !== "" ? `published on ${port.out.split("\n").join(", ")}` : "not published";
}

function docker(args: string[], tolerant = false): { ok: boolean; out: string } {
    const result = spawnSync("docker", args, { encoding: "utf8" });
    if (result.error !== undefined) throw new UserError("docker is not on PATH: the registry runs on the local Docker engine");
    const ok = result.status === 0;
    if (!ok && !tolerant) throw new UserError(`docker ${args[0] ?? ""} failed: ${printable(result.stderr.trim())}`);
    return { ok, out: result.stdout.trim() };
}

export function register(program: Command): void {
    const command = program.command("registry").description("a Docker registry for the project's releases on this machine (loopback by default, storage on a named volume)");
    command
        .command("start")
        .option("--bind <address>", "host address to publish it on", "127.0.0.1")
        .option("--port <port>", "host port", "5000")
        .description("start it (its images survive a stop in the volume <project>-registry-data)")
        .action(async (opts: { bind: string; port: string }) => {
            const port = Number(opts.port);
            if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`--port must be 1-65535 (got ${printable(opts.port)})`);
            await registry({ action: "start", bind: opts.bind, port });
        });
    command.command("stop").description("remove its container (the volume and its images stay)").action(() => registry({ action: "stop" }));
    command.command("status").description("say whether it runs, and where").action(() => registry({ action: "status" }));
}
