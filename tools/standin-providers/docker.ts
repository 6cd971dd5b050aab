/**
 * STAND-IN for the `docker` resource plugin (5.0.0) where the real one cannot
 * be built (see README: "Known limitation"). It implements only what this
 * project's program uses (Network, Volume, Image, Container) by driving the
 * `docker` CLI, with the real provider's observable behaviour: named resources
 * are replaced delete-before-create, uploads are copied to "/" before start
 * (which Docker refuses for a read-only root, as with the real provider),
 * `wait` blocks until healthy, `attach` runs a container to its end, and image
 * deletion keeps the image. Never used where the real plugin is installed.
 */
import * as provider from "@pulumi/pulumi/provider";
import { changedKeys, docker, isMissing, plain, Props, resourceType, run } from "./common";

const VERSION = "5.0.0";

function labelArgs(labels: unknown): string[] {
    return ((plain(labels) as { label: string; value: string }[] | undefined) ?? []).flatMap((l) => ["--label", `${l.label}=${l.value}`]);
}

async function createNetwork(p: Props): Promise<provider.CreateResult> {
    const driver = typeof p["driver"] === "string" ? p["driver"] : "bridge";
    const args = ["network", "create", "--driver", driver, ...labelArgs(p["labels"])];
    if (p["internal"] === true) args.push("--internal");
    const id = await docker([...args, String(p["name"])]);
    return { id, outs: { ...p, name: p["name"] } };
}

async function createVolume(p: Props): Promise<provider.CreateResult> {
    await docker(["volume", "create", ...labelArgs(p["labels"]), String(p["name"])]);
    return { id: String(p["name"]), outs: { ...p, name: p["name"], mountpoint: "" } };
}

async function buildImage(p: Props): Promise<provider.CreateResult> {
    const build = plain(p["build"]) as { context: string; dockerfile?: string; args?: Record<string, string> };
    const args = ["build", "-q", "-t", String(p["imageName"])];
    for (const [k, v] of Object.entries(build.args ?? {})) args.push("--build-arg", `${k}=${v}`);
    if (build.dockerfile !== undefined) args.push("-f", build.dockerfile);
    const id = await run("docker", [...args, build.context], { DOCKER_BUILDKIT: "0" });
    return { id, outs: { ...p, imageName: p["imageName"], baseImageName: p["imageName"], repoDigest: "", registryServer: "" } };
}

/** The container inputs this project's program sets (see components/service.ts). */
interface ContainerInputs {
    readonly name: string;
    readonly image: string;
    readonly command?: string[];
    readonly entrypoints?: string[];
    readonly envs?: string[];
    readonly labels?: { label: string; value: string }[];
    readonly uploads?: { file: string; content: string; permissions?: string; executable?: boolean }[];
    readonly networksAdvanced?: { name: string; aliases?: string[] }[];
    readonly networkMode?: string;
    readonly ports?: { internal: number; external: number; ip: string }[];
    readonly volumes?: { volumeName: string; containerPath: string; readOnly?: boolean }[];
    readonly healthcheck?: { tests: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string };
    readonly wait?: boolean;
    readonly waitTimeout?: number;
    readonly attach?: boolean;
    readonly restart?: string;
    readonly user?: string;
    readonly memory?: number;
    readonly cpus?: string;
    readonly readOnly?: boolean;
    readonly securityOpts?: string[];
    readonly capabilities?: { drops?: string[] };
    readonly tmpfs?: Record<string, string>;
    readonly logDriver?: string;
    readonly logOpts?: Record<string, string>;
}

async function createContainer(p: Props): Promise<provider.CreateResult> {
    const v = plain(p) as ContainerInputs;
    const name = v.name;
    const args = ["create", "--name", name];
    const add = (flag: string, value: string | number | undefined) => value !== undefined && args.push(flag, String(value));
    add("--restart", v.restart);
    add("--log-driver", v.logDriver);
    for (const [k, o] of Object.entries(v.logOpts ?? {})) args.push("--log-opt", `${k}=${o}`);
    for (const e of v.envs ?? []) args.push("--env", e);
    args.push(...labelArgs(v.labels));
    for (const port of v.ports ?? []) args.push("-p", `${port.ip}:${port.external}:${port.internal}`);
    for (const vol of v.volumes ?? []) {
        args.push("-v", `${vol.volumeName}:${vol.containerPath}${vol.readOnly === true ? ":ro" : ""}`);
    }
    for (const [path, options] of Object.entries(v.tmpfs ?? {})) args.push("--tmpfs", `${path}:${options}`);
    for (const opt of v.securityOpts ?? []) args.push("--security-opt", opt);
    for (const cap of v.capabilities?.drops ?? []) args.push("--cap-drop", cap);
    if (v.readOnly === true) args.push("--read-only");
    add("--user", v.user);
    if (v.memory !== undefined) args.push("--memory", `${v.memory}m`);
    add("--cpus", v.cpus);
    add("--network", v.networkMode);
    const hc = v.healthcheck;
    if (hc !== undefined) {
        args.push("--health-cmd", hc.tests.slice(1).map((t) => (/[\s'"]/.test(t) ? `'${t.replace(/'/g, "'\\''")}'` : t)).join(" "));
        add("--health-interval", hc.interval);
        add("--health-timeout", hc.timeout);
        add("--health-retries", hc.retries);
        add("--health-start-period", hc.startPeriod);
    }
    const networks = v.networksAdvanced ?? [];
    const [first, ...rest] = networks;
    if (first !== undefined) args.push("--network", first.name, ...(first.aliases ?? []).flatMap((a) => ["--network-alias", a]));
    const entrypoint = v.entrypoints ?? [];
    if (entrypoint[0] !== undefined) args.push("--entrypoint", entrypoint[0]);
    args.push(v.image, ...entrypoint.slice(1), ...(v.command ?? []));

    const id = await docker(args);
    try {
        for (const n of rest) await docker(["network", "connect", ...(n.aliases ?? []).flatMap((a) => ["--alias", a]), n.name, id]);
        await upload(id, v.uploads ?? []);
        const outs: Props = { ...p, name, id };
        if (v.attach === true) {
            await docker(["start", id]);
            outs["exitCode"] = Number(await docker(["wait", id]));
        } else {
            await docker(["start", id]);
            if (v.wait === true) await waitHealthy(id, name, v.waitTimeout ?? 60);
        }
        return { id, outs };
    } catch (error) {
        // A container that failed to come up is not left behind, as with the real provider's rollback of a create.
        await docker(["rm", "-f", id]).catch(() => undefined);
        throw error;
    }
}

/** Copies files into the (created, not started) container, as the provider does: one tar stream to "/". */
async function upload(id: string, files: { file: string; content: string; permissions?: string; executable?: boolean }[]): Promise<void> {
    if (files.length === 0) return;
    const { pack } = await import("./tar");
    const archive = await pack(files.map((f) => ({ path: f.file, content: f.content, mode: parseInt(f.permissions ?? (f.executable === true ? "0744" : "0644"), 8) })));
    await run("docker", ["cp", "-", `${id}:/`], {}, archive);
}

async function waitHealthy(id: string, name: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const status = await docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}", id]);
        if (status === "healthy" || status === "running") return;
        if (status === "unhealthy" || status === "exited" || Date.now() > deadline) {
            const logs = await docker(["logs", "--tail", "20", id]).catch(() => "");
            throw new Error(`container ${name} did not become healthy (${status}) within ${seconds}s; last log lines:\n${logs}`);
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
}

const removers: Record<string, (id: string) => Promise<unknown>> = {
    Network: (id) => docker(["network", "rm", id]),
    Volume: (id) => docker(["volume", "rm", id]),
    Container: (id) => docker(["rm", "-f", id]),
    // Images stay local: earlier releases' images are what a rollback runs.
    Image: () => Promise.resolve(),
};

const creators: Record<string, (p: Props) => Promise<provider.CreateResult>> = {
    Network: createNetwork,
    Volume: createVolume,
    Image: buildImage,
    Container: createContainer,
};

const standIn: provider.Provider = {
    version: VERSION,
    getSchema: () => Promise.resolve(JSON.stringify({ name: "docker", version: VERSION })),
    async check(urn, _olds, news: Props) {
        if (resourceType(urn) === "Image") {
            const { contextHash } = await import("./tar");
            const context = (plain(news["build"]) as { context?: string } | undefined)?.context;
            return { inputs: { ...news, contextHash: context === undefined ? "" : await contextHash(context) } };
        }
        return { inputs: news };
    },
    diff(_id, urn, olds: Props, news: Props) {
        const changed = changedKeys(olds, news, ["name", "id", "exitCode", "mountpoint", "baseImageName", "repoDigest", "registryServer"]);
        // An image rebuilds in place; everything else is replaced, freeing its Docker name first.
        const type = resourceType(urn);
        return Promise.resolve({ changes: changed.length > 0, replaces: type === "Image" ? [] : changed, deleteBeforeReplace: true });
    },
    create(urn, inputs: Props) {
        const create = creators[resourceType(urn)];
        if (create === undefined) throw new Error(`the docker stand-in does not implement ${urn}`);
        return create(inputs);
    },
    async update(_id, urn, _olds, news: Props) {
        if (resourceType(urn) !== "Image") throw new Error(`the docker stand-in replaces ${urn} rather than updating it`);
        const built = await buildImage(news);
        return { outs: built.outs as Props };
    },
    async delete(id, urn) {
        const remove = removers[resourceType(urn)];
        if (remove === undefined) return;
        await remove(id).catch((error: unknown) => {
            if (!isMissing(error)) throw error;
        });
    },
    async read(id, urn, props?: Props) {
        const type = resourceType(urn);
        const inspect = type === "Container" ? ["inspect", id] : [type.toLowerCase(), "inspect", id];
        const exists = type === "Image" || (await docker(inspect).then(() => true, () => false));
        return exists ? { id, props: props ?? {} } : { id: "" };
    },
};

void provider.main(standIn, process.argv.slice(2));
