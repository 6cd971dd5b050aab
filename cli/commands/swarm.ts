/**
 * `ade swarm init|join|status`: the Docker Swarm testing and production run
 * on. `init` makes this machine's engine a manager (once) and labels it as the
 * node that keeps the stateful services' volumes; `join` makes this machine's
 * engine a worker of a manager; `status` lists the nodes. The join token is a
 * credential: it is read from the environment or a file, never printed.
 */
import { Command } from "commander";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { UserError } from "../../core/errors";
import { printable } from "../../core/text";
import { print } from "../output";

/** The node label the stacks use by default (`ade:swarm.dataNodeLabel`). */
export const DEFAULT_DATA_LABEL = "ade.data";
const LABEL = /^[a-z][a-z0-9._-]{0,62}$/;
const TOKEN_VARIABLE = "ADE_SWARM_JOIN_TOKEN";

export interface DockerResult {
    readonly ok: boolean;
    readonly out: string;
    readonly err: string;
}
/** Runs the docker CLI against the local engine (tests give another). */
export type DockerRunner = (args: readonly string[]) => DockerResult;

export const dockerCli: DockerRunner = (args) => {
    const result = spawnSync("docker", args, { encoding: "utf8" });
    if (result.error !== undefined) throw new UserError("docker is not on PATH: ade swarm drives the local Docker engine");
    return { ok: result.status === 0, out: result.stdout.trim(), err: result.stderr.trim() };
};

function must(docker: DockerRunner, args: readonly string[], what: string): string {
    const result = docker(args);
    // The join token is never echoed, not even in docker's own error.
    if (!result.ok) throw new UserError(`${what} failed: ${printable(result.err.replace(/SWMTKN-[\w-]+/g, "<token>"))}`);
    return result.out;
}

interface NodeState {
    readonly state: string;
    readonly manager: boolean;
    readonly nodeId: string;
}

function nodeState(docker: DockerRunner): NodeState {
    const [state = "", manager = "", nodeId = ""] = must(docker, ["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}"], "docker info").split(" ");
    return { state, manager: manager === "true", nodeId };
}

export interface InitOptions {
    readonly advertiseAddr: string;
    /** Address and port the manager listens on for the swarm (docker's default: every address, port 2377). */
    readonly listenAddr?: string;
    readonly dataLabel: string;
    readonly docker?: DockerRunner;
    readonly write?: (text: string) => void;
}

export function swarmInit(options: InitOptions): void {
    const docker = options.docker ?? dockerCli;
    const write = options.write ?? print;
    if (!LABEL.test(options.dataLabel)) {
        throw new UserError(`--data-label ${printable(JSON.stringify(options.dataLabel))} is not a node label name: use lower case letters, digits, dots, dashes (e.g. ${DEFAULT_DATA_LABEL})`);
    }
    let node = nodeState(docker);
    if (node.state === "active" && !node.manager) {
        throw new UserError("this engine is a worker of another swarm: run ade swarm init on its manager (or leave that swarm first: docker swarm leave)");
    }
    if (node.state === "active") {
        write("this engine is already a swarm manager\n");
    } else {
        const listen = options.listenAddr === undefined ? [] : ["--listen-addr", options.listenAddr];
        must(docker, ["swarm", "init", "--advertise-addr", options.advertiseAddr, ...listen], "docker swarm init");
        node = nodeState(docker);
        write(`this engine is now a swarm manager, advertising ${options.advertiseAddr}\n`);
    }
    must(docker, ["node", "update", "--label-add", `${options.dataLabel}=true`, node.nodeId], "docker node update");
    write(`this node holds the stateful services' volumes (label ${options.dataLabel}=true; stacks read it from ade:swarm.dataNodeLabel)\n`);
    write(`a worker joins with: ${TOKEN_VARIABLE}="$(docker swarm join-token -q worker)" ade swarm join <this manager's address>:2377\n`);
    write("(run the join-token part here, on the manager, and pass the token to the worker without printing it)\n");
}

export interface JoinOptions {
    readonly manager: string;
    readonly tokenFile?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly docker?: DockerRunner;
    readonly write?: (text: string) => void;
}

export function swarmJoin(options: JoinOptions): void {
    const docker = options.docker ?? dockerCli;
    const write = options.write ?? print;
    if (!/^[\w.-]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i.test(options.manager)) {
        throw new UserError(`manager address ${printable(JSON.stringify(options.manager))} is not host:port: give the manager's address and swarm port (e.g. 10.0.0.2:2377)`);
    }
    const token = readToken(options);
    const node = nodeState(docker);
    if (node.state === "active") throw new UserError("this engine is already in a swarm: nothing was changed (leave it first with docker swarm leave, if that is what you want)");
    must(docker, ["swarm", "join", "--token", token, options.manager], "docker swarm join");
    write(`this engine joined the swarm of ${options.manager} as a worker\n`);
}

function readToken(options: JoinOptions): string {
    let token: string | undefined;
    if (options.tokenFile !== undefined) {
        try {
            token = fs.readFileSync(options.tokenFile, "utf8").trim();
        } catch (error) {
            throw new UserError(`cannot read the join token file ${printable(options.tokenFile)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
    } else {
        token = (options.env ?? process.env)[TOKEN_VARIABLE]?.trim();
    }
    if (token === undefined || token === "") {
        throw new UserError(`no join token: set ${TOKEN_VARIABLE} (on the manager: docker swarm join-token -q worker) or pass --token-file <file>`);
    }
    if (!/^SWMTKN-1-[a-z0-9]+-[a-z0-9]+$/.test(token)) {
        throw new UserError(`the join token ${options.tokenFile !== undefined ? `in ${printable(options.tokenFile)} ` : `in ${TOKEN_VARIABLE} `}is not a swarm token (SWMTKN-1-...): copy it from docker swarm join-token -q worker on the manager`);
    }
    return token;
}

export function swarmStatus(options: { readonly docker?: DockerRunner; readonly write?: (text: string) => void } = {}): void {
    const docker = options.docker ?? dockerCli;
    const write = options.write ?? print;
    const node = nodeState(docker);
    if (node.state !== "active") {
        write(`this engine is in no swarm (state: ${node.state || "unknown"}); make it a manager with: ade swarm init\n`);
        return;
    }
    if (!node.manager) {
        write("this engine is a swarm worker; run ade swarm status on a manager to see the nodes\n");
        return;
    }
    write(must(docker, ["node", "ls", "--format", "table {{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}"], "docker node ls") + "\n");
}

export function register(program: Command): void {
    const command = program.command("swarm").description("the Docker Swarm testing and production run on: make this engine a manager, join a worker, list the nodes");
    command
        .command("init")
        .description("make this machine's engine a swarm manager and the node that keeps the stateful services' volumes")
        .option("--advertise-addr <address>", "the address other nodes reach this manager at", "127.0.0.1")
        .option("--listen-addr <address:port>", "where the manager listens for other nodes (docker's default: every address, port 2377)")
        .option("--data-label <label>", "node label (set to true here) that marks where volumes live: ade:swarm.dataNodeLabel", DEFAULT_DATA_LABEL)
        .action((opts: { advertiseAddr: string; listenAddr?: string; dataLabel: string }) => swarmInit(opts));
    command
        .command("join <manager>")
        .description(`join this machine's engine to a manager (host:2377) as a worker; the token comes from ${TOKEN_VARIABLE} or --token-file`)
        .option("--token-file <file>", "a file holding the worker join token")
        .action((manager: string, opts: { tokenFile?: string }) => swarmJoin({ manager, tokenFile: opts.tokenFile }));
    command.command("status").description("list the swarm's nodes (on a manager)").action(() => swarmStatus());
}
