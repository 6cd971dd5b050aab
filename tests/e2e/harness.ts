/**
 * End-to-end harness: a throwaway copy of the project that runs against the
 * real Pulumi engine and the real Docker daemon, with its own PULUMI_HOME,
 * file state backend, project name (so Docker names never clash with a real
 * stack on the same host) and images chosen without editing the real stack files.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { mirrored, readImageMirrors } from "../../config/imageMirrors";
import { stackConfigSchema } from "../../config/schema";
import { SOURCE_ROOT } from "../../core/paths";

export const REPO = SOURCE_ROOT;
export const STACKS = ["development", "testing", "production"] as const;
export type StackName = (typeof STACKS)[number];

/** Passphrases of the committed stack files (README: "Stacks, config and secrets"). */
export const PASSPHRASES: Record<StackName, string> = {
    development: "ade-local-development",
    testing: "ade-local-testing",
    production: "ade-local-production",
};

/** Files of the project the program needs at run time; the stack files are written per suite. */
const PROJECT_FILES = ["Pulumi.yaml", "index.ts", "tsconfig.json", "package.json"];
/** Folders that hold no part of the program (suites that run scripts ask for them with `extraEntries`). */
const NOT_PROGRAM = new Set(["tests", "bench", "docs", "scripts", "toolchain", "node_modules", "dist"]);

/**
 * Every top-level folder with TypeScript in it is part of the program (and `bin`, `app`):
 * derived, so a new folder of modules is never left out of the copies.
 */
export function projectEntries(): string[] {
    const folders = fs
        .readdirSync(REPO, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !NOT_PROGRAM.has(entry.name))
        .map((entry) => entry.name)
        .filter((name) => ["bin", "app"].includes(name) || fs.readdirSync(path.join(REPO, name)).some((file) => file.endsWith(".ts")));
    return [...PROJECT_FILES, ...folders];
}

export interface RunResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface HarnessOptions {
    /** Distinguishes harnesses: the project becomes `ade-e2e-<name>`. */
    readonly name: string;
    /** Which block of host ports the harness owns (0-9): see `harnessPort`. */
    readonly portBase: number;
    /** More of the project to copy, for suites that run its scripts (`scripts`, `toolchain`). */
    readonly extraEntries?: readonly string[];
}

const STACK_DIGIT: Record<StackName, number> = { development: 1, testing: 2, production: 3 };

/**
 * The host port a test gives a committed port: `10000 + block*1000 + stack*300 + last two digits`,
 * so each suite's block of ports stays below 32768, where Linux hands out ephemeral
 * ports for outgoing connections (a TIME-WAIT socket there can make a bind fail).
 * The last two digits of a stack's committed ports are distinct, so ports never collide.
 */
export function harnessPort(block: number, stackDigit: number, committedPort: number): number {
    if (!Number.isInteger(block) || block < 0 || block > 9) throw new Error(`port block must be 0-9 (got ${block})`);
    return 10000 + block * 1000 + stackDigit * 300 + (committedPort % 100);
}

export class Harness {
    public readonly project: string;
    public readonly dir: string;
    public readonly pulumiHome: string;
    public readonly stateDir: string;
    /** Everything the Pulumi CLI printed, to check that no secret leaked. */
    public readonly transcript: string[] = [];
    private readonly timings: [string, number][] = [];
    private prepared = false;

    constructor(private readonly options: HarnessOptions) {
        this.project = `ade-e2e-${options.name}`;
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.project}-`));
        this.pulumiHome = path.join(this.dir, ".pulumi-home");
        this.stateDir = path.join(this.dir, ".pulumi-state");
    }

    /** Host port the harness gives a port of the committed stack files. */
    port(stack: StackName, committedPort: number): number {
        return harnessPort(this.options.portBase, STACK_DIGIT[stack], committedPort);
    }

    /** Copies the project, rewrites the copies' stack files and installs the plugins into the private PULUMI_HOME. */
    async prepare(): Promise<void> {
        // Two runs of one suite share its Docker names and ports: the second waits for the first.
        this.releaseLock = await suiteLock(this.project);
        this.prepared = true;
        await this.phase("prepare project copy", () => {
            // A run killed before its clean-up leaves its images: a test of "no such image" must not find them.
            removeProjectImages(this.project);
            for (const entry of [...projectEntries(), ...(this.options.extraEntries ?? [])]) {
                fs.cpSync(path.join(REPO, entry), path.join(this.dir, entry), {
                    recursive: true,
                    filter: (src) => !/(^|[/\\])(node_modules|\.pulumi-state|dist)([/\\]|$)/.test(path.relative(REPO, src)),
                });
            }
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(this.dir, "node_modules"));
            const pulumiYaml = fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8").replace(/^name: ade$/m, `name: ${this.project}`);
            fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), pulumiYaml);
            for (const stack of STACKS) this.writeStackFile(stack);
            fs.mkdirSync(this.stateDir);
            fs.mkdirSync(this.pulumiHome);
            run("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: path.join(this.dir, "app") });
        });
        await this.phase("install plugins into private PULUMI_HOME", () => {
            installPlugins(this.pulumiHome, (args) => this.pulumiRaw(args));
        });
    }

    /** Rewrites one copied stack file: project prefix and harness ports. Secure values stay as committed; images come from the machine's mirrors, as for every entry point. */
    private writeStackFile(stack: StackName): void {
        const doc = parseDocument(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8"));
        const config = doc.get("config") as { items: { key: { value: string } }[] };
        for (const item of config.items) item.key.value = item.key.value.replace(/^ade:/, `${this.project}:`);
        const key = (k: string) => `${this.project}:${k}`;
        const remap = (p: string[]) => {
            const current = doc.getIn(["config", key(p[0] ?? ""), ...p.slice(1)]);
            if (typeof current === "number") doc.setIn(["config", key(p[0] ?? ""), ...p.slice(1)], this.port(stack, current));
        };
        const values = (parse(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
        for (const service of Object.keys(values["ade:services"] ?? {})) remap(["services", service, "hostPort"]);
        remap(["database", "hostPort"]);
        remap(["monitoring", "prometheus", "hostPort"]);
        remap(["monitoring", "grafana", "hostPort"]);
        remap(["monitoring", "alertmanager", "hostPort"]);
        remap(["debug", "dbAdmin", "hostPort"]);
        fs.writeFileSync(path.join(this.dir, `Pulumi.${stack}.yaml`), doc.toString());
    }

    /** Sets a non-secret config value of the copy (`--path` syntax). */
    setConfig(stack: StackName, keyPath: string, value: string): void {
        this.pulumi(stack, ["config", "set", "--path", keyPath, value]);
    }

    env(stack: StackName | undefined): NodeJS.ProcessEnv {
        return {
            ...process.env,
            PULUMI_HOME: this.pulumiHome,
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            ...(stack === undefined ? {} : { PULUMI_CONFIG_PASSPHRASE: PASSPHRASES[stack] }),
        };
    }

    /** A secret's decrypted value, for checks; kept out of the transcript that is searched for leaks. */
    readSecret(stack: StackName, key: string): string {
        const out = this.pulumiRaw(["config", "get", key, "--stack", stack], stack, false);
        return out.stdout.trim();
    }

    private pulumiRaw(args: string[], stack?: StackName, record = true): RunResult {
        const result = spawnSync("pulumi", [...args, "--non-interactive"], {
            cwd: this.dir,
            env: this.env(stack),
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        const out = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
        if (record) this.transcript.push(out.stdout, out.stderr);
        if (out.status !== 0) throw new PulumiError(args, out);
        return out;
    }

    /** Runs the Pulumi CLI for a stack of the copy; throws `PulumiError` when it fails. */
    pulumi(stack: StackName, args: string[]): RunResult {
        return this.pulumiRaw([...args, "--stack", stack], stack);
    }

    /** Creates the stack in the private backend (the stack file and its salt already exist). */
    initStack(stack: StackName): void {
        this.pulumiRaw(["stack", "init", stack, "--secrets-provider", "passphrase"], stack);
    }

    private adeArgv(args: string[]): string[] {
        return [path.join(this.dir, "bin", "ade.js"), ...args];
    }

    /** The copy's own `ade` runs in it, in CI mode (plain progress lines), on the stack's backend and passphrase. */
    private adeOptions(stack: StackName, env: NodeJS.ProcessEnv): { cwd: string; env: NodeJS.ProcessEnv } {
        return { cwd: this.dir, env: { ...this.env(stack), ADE_PROJECT_DIR: this.dir, CI: "true", ...env } };
    }

    /** Runs the copy's own `ade` as a user would, in CI mode (plain progress lines); never throws. */
    ade(args: string[], stack: StackName = "development", env: NodeJS.ProcessEnv = {}): RunResult {
        const result = spawnSync(process.execPath, this.adeArgv(args), { ...this.adeOptions(stack, env), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        const out = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
        this.transcript.push(out.stdout, out.stderr);
        return out;
    }

    /** `ade` as above, without blocking the event loop: a request client can run beside it. */
    adeAsync(args: string[], stack: StackName = "development", env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, this.adeArgv(args), this.adeOptions(stack, env));
            let stdout = "";
            let stderr = "";
            child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
            child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
            child.on("error", reject);
            child.on("close", (code) => {
                this.transcript.push(stdout, stderr);
                resolve({ status: code ?? -1, stdout, stderr });
            });
        });
    }

    up(stack: StackName, message = "e2e"): RunResult {
        return this.pulumi(stack, ["up", "--yes", "--skip-preview", "--message", message]);
    }

    /** Runs `fn` as a named phase and records how long it took. */
    async phase<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
        const started = Date.now();
        try {
            return await fn();
        } finally {
            this.timings.push([name, (Date.now() - started) / 1000]);
        }
    }

    printTimings(): void {
        process.stdout.write(`\n  ${this.project} phases:\n`);
        for (const [name, seconds] of this.timings) process.stdout.write(`    ${seconds.toFixed(1).padStart(7)} s  ${name}\n`);
    }

    /** This machine's image for a public reference: its mirror (toolchain/build-images.sh), else the reference. */
    localImage(ref: string): string {
        const read = readImageMirrors();
        if (!read.ok) throw new Error(read.problem);
        return mirrored(ref, read.mirrors);
    }

    /** The config's `images` keys and the images they name by default. */
    defaultImages(): Record<string, string> {
        return stackConfigSchema.shape.images.parse(undefined);
    }

    /** The images the given config keys (`images.postgres` or `postgres`) name by default, as this machine runs them. */
    localImages(keys: readonly string[]): string[] {
        const defaults = this.defaultImages();
        return keys.map((key) => {
            const ref = defaults[key.replace(/^images\./, "")];
            if (ref === undefined) throw new Error(`no image key ${key}`);
            return this.localImage(ref);
        });
    }

    /** Removes the Swarm services, secrets and configs of the harness's project, when this engine is in a swarm. */
    removeSwarmObjects(): void {
        if (docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]) !== "active") return;
        for (const kind of ["service", "secret", "config"]) {
            const names = docker([kind, "ls", "--format", "{{.Name}}"])
                .split("\n")
                .filter((n) => n.startsWith(this.project));
            if (names.length > 0) docker([kind, "rm", ...names]);
        }
    }

    /** Docker objects (containers, networks, volumes) whose name starts with the harness's prefix. */
    dockerObjects(prefix = this.project): DockerObjects {
        return dockerObjects(prefix);
    }

    /** Destroys every stack and removes whatever is left with the prefix; safe to call after a failure. */
    async cleanUp(): Promise<void> {
        if (!this.prepared) {
            fs.rmSync(this.dir, { recursive: true, force: true });
            return;
        }
        await this.phase("clean up", () => {
            for (const stack of STACKS) {
                try {
                    this.pulumi(stack, ["destroy", "--yes", "--skip-preview"]);
                } catch {
                    // The stack may never have been created; the sweep below removes leftovers.
                }
            }
            removeDockerObjects(this.dockerObjects());
            removeProjectImages(this.project);
            fs.rmSync(this.dir, { recursive: true, force: true });
        });
        this.releaseLock?.();
    }

    private releaseLock: (() => void) | undefined;
}

/**
 * Waits until no other live process runs the suite named `project` on this
 * machine, then holds its lock file (with this pid) until the returned function
 * is called. A lock whose process is gone is taken over.
 */
export async function suiteLock(project: string): Promise<() => void> {
    const file = path.join(os.tmpdir(), `${project}.e2e.lock`);
    let said = false;
    for (;;) {
        try {
            fs.writeFileSync(file, String(process.pid), { flag: "wx" });
            return () => fs.rmSync(file, { force: true });
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const holder = Number(fs.readFileSync(file, "utf8").trim());
        if (!Number.isInteger(holder) || !isAlive(holder)) {
            fs.rmSync(file, { force: true });
            continue;
        }
        if (!said) process.stdout.write(`  waiting for another run of ${project} (pid ${holder}) to finish: it uses the same Docker names and ports\n`);
        said = true;
        await new Promise((r) => setTimeout(r, 5000));
    }
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * Installs the docker and command plugins (real, or the stand-ins) into a
 * private PULUMI_HOME with `pulumi plugin install --file`, run by `pulumi`.
 */
export function installPlugins(pulumiHome: string, pulumi: (args: string[]) => unknown = (args) => run("pulumi", [...args, "--non-interactive"], { env: { ...process.env, PULUMI_HOME: pulumiHome } })): void {
    for (const [plugin, pkg] of PLUGINS) {
        const version = pluginVersion(pkg);
        const binary = pluginBinary(plugin, version);
        if (binary === undefined) throw new Error(`no pulumi-resource-${plugin} ${version}: source toolchain/env.sh first`);
        pulumi(["plugin", "install", "resource", plugin, version, "--file", binary]);
    }
}

/** Whether the installed plugins are this project's stand-ins (they carry its module path). */
export function pluginsAreStandins(): boolean {
    return PLUGINS.some(([plugin, pkg]) => {
        const binary = pluginBinary(plugin, pluginVersion(pkg));
        return binary !== undefined && fs.readFileSync(binary).includes("ade-platform/standin-providers");
    });
}

/**
 * The plugin binary to install into the private PULUMI_HOME: the one
 * toolchain/ensure-pulumi.sh installed (real, or the stand-in where the real one
 * cannot be built), else a real one beside `pulumi`; undefined when there is none.
 */
function pluginBinary(plugin: string, version: string): string | undefined {
    const home = process.env["PULUMI_HOME"] ?? path.join(os.homedir(), ".pulumi");
    return [
        path.join(home, "plugins", `resource-${plugin}-v${version}`, `pulumi-resource-${plugin}`),
        path.join(path.dirname(which("pulumi")), `pulumi-resource-${plugin}`),
    ].find((c) => fs.existsSync(c));
}

/** The version of a resource plugin the npm package asks for. */
function pluginVersion(pkg: string): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", pkg, "package.json"), "utf8")) as { pulumi: { version: string } }).pulumi.version;
}

const PLUGINS = [
    ["docker", "@pulumi/docker"],
    ["command", "@pulumi/command"],
] as const;

/** Why the engine cannot run the platform here (no plugin, real or stand-in), or undefined when it can. */
export function missingPlugins(): string | undefined {
    const missing = PLUGINS.filter(([plugin, pkg]) => pluginBinary(plugin, pluginVersion(pkg)) === undefined).map(([plugin]) => plugin);
    if (missing.length === 0) return undefined;
    const file = process.env["ADE_TOOLCHAIN_UNAVAILABLE"];
    const why = file !== undefined && fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "not installed";
    return `missing: ${missing.join(", ")}\n${why}`;
}

/**
 * What this project's stand-in plugins carry and real plugins do not: their Go
 * module path (older stand-ins said STAND-IN). toolchain/pulumi-build/plugins.sh
 * (is_standin) tells them apart the same way.
 */
const STANDIN_SIGNATURES = ["ade-platform/standin-providers", "STAND-IN"];

/** True when a plugin binary is one of this project's stand-ins rather than the real plugin. */
export function isStandin(binary: string): boolean {
    const content = fs.readFileSync(binary);
    return STANDIN_SIGNATURES.some((signature) => content.includes(signature));
}

/**
 * The plugins the suites will install that are stand-ins, one line each. Read from
 * the binaries themselves: the toolchain's STANDIN list says which stand-ins it
 * provides, not whether this PULUMI_HOME holds them or real plugins.
 */
export function standinPlugins(): string[] {
    return PLUGINS.flatMap(([plugin, pkg]) => {
        const version = pluginVersion(pkg);
        const binary = pluginBinary(plugin, version);
        return binary !== undefined && isStandin(binary) ? [`pulumi-resource-${plugin} ${version}: ${binary}`] : [];
    });
}

/** Says aloud which plugins the suite runs with; skips it, saying why, when they are missing. Use in `before`. */
export function skipWithoutPlugins(context: Mocha.Context): void {
    const standins = standinPlugins();
    if (standins.length > 0) {
        const list = process.env["ADE_TOOLCHAIN_STANDIN"];
        const where = list !== undefined && fs.existsSync(list) ? `\n    (the toolchain's list of its stand-ins: ${list})` : "";
        process.stdout.write(`\n  NOTE: this suite runs the real Pulumi engine with this project's STAND-IN plugins in place of the real ones:\n${standins.map((line) => `    ${line}`).join("\n")}${where}\n\n`);
    }
    const reason = missingPlugins();
    if (reason === undefined) return;
    process.stdout.write(`\n  SKIPPED (blocked): this suite needs the docker and command resource plugins:\n${reason.replace(/^/gm, "    ")}\n\n`);
    context.skip();
}

export class PulumiError extends Error {
    constructor(
        public readonly args: string[],
        public readonly result: RunResult,
    ) {
        super(`pulumi ${args.join(" ")} exited ${result.status}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
    }
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
    return execFileSync(command, args, { ...options, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

export function docker(args: string[]): string {
    return run("docker", args).trim();
}

export interface DockerObjects {
    readonly containers: string[];
    readonly networks: string[];
    readonly volumes: string[];
}

/** Containers (running or not), networks and volumes whose name starts with `prefix`. */
/** Removes the images the project's copies built or pulled (`<project>/...`, `<registry>/<project>/...`). */
export function removeProjectImages(project: string): void {
    // An image without a tag (`<none>`, no reference Docker takes back) goes by its digest, or its id when it has none.
    const mine = docker(["images", "--format", "{{.Repository}} {{.Tag}} {{.Digest}} {{.ID}}"])
        .split("\n")
        .map((line) => line.split(" "))
        .filter(([repository = ""]) => repository.startsWith(`${project}/`) || repository.includes(`/${project}/`))
        .map(([repository, tag, digest = "", id = ""]) => (tag !== "<none>" ? `${repository}:${tag}` : /^sha256:/.test(digest) ? `${repository}@${digest}` : id));
    if (mine.length > 0) docker(["image", "rm", "--force", ...new Set(mine)]);
}

export function dockerObjects(prefix: string): DockerObjects {
    const list = (args: string[]) =>
        docker(args)
            .split("\n")
            .filter((n) => n.startsWith(prefix));
    return {
        containers: list(["ps", "-a", "--format", "{{.Names}}"]),
        networks: list(["network", "ls", "--format", "{{.Name}}"]),
        volumes: list(["volume", "ls", "--format", "{{.Name}}"]),
    };
}

/** A container's log, stdout and stderr together. */
export function dockerLogs(container: string): string {
    const result = spawnSync("docker", ["logs", container], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return `${result.stdout}${result.stderr}`;
}

/** Removes the given Docker objects, containers first. */
export function removeDockerObjects(objects: DockerObjects): void {
    if (objects.containers.length > 0) docker(["rm", "-f", "-v", ...objects.containers]);
    if (objects.networks.length > 0) docker(["network", "rm", ...objects.networks]);
    if (objects.volumes.length > 0) docker(["volume", "rm", "-f", ...objects.volumes]);
}

function which(binary: string): string {
    const found = (process.env["PATH"] ?? "").split(path.delimiter).map((d) => path.join(d, binary)).find((p) => fs.existsSync(p));
    if (found === undefined) throw new Error(`${binary} is not on PATH: source toolchain/env.sh first`);
    return found;
}

/** Polls `check` until it returns a value or `seconds` pass; the last error explains a timeout. */
export async function eventually<T>(seconds: number, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (error) {
            last = error;
        }
        if (Date.now() > deadline) throw new Error(`not true after ${seconds}s${last instanceof Error ? `: ${last.message}` : ""}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

export function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    return requestJson("GET", url, headers);
}

export function postJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    return requestJson("POST", url, headers);
}

/**
 * One request on a connection of its own (`Connection: close`): a kept-alive
 * connection reused after the server's idle timeout fails with "other side
 * closed", and a test must not depend on that race.
 */
async function requestJson(method: string, url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(url, { method, headers: { ...headers, connection: "close" }, signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    let body: unknown = text;
    try {
        body = JSON.parse(text);
    } catch {
        // Not JSON: keep the text.
    }
    return { status: response.status, body };
}
