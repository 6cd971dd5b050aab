/**
 * The docker-compose peer of a stack: a compose file (format 2.4, which
 * Debian's docker-compose 1.29 runs) generated from exactly the resource inputs
 * the program registers for that stack, so both sides run the same images,
 * ports, networks, limits, healthchecks and files.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { RecordedResource, unwrapSecret } from "../tests/mocks";
import { WaitEdge } from "./timeline";

type Inputs = Record<string, unknown>;

interface Upload {
    readonly file: string;
    readonly content: string;
    readonly permissions: string;
}

/**
 * Writes the compose file and the services' files (what the one-shot
 * `-files` containers deliver) under `dir`; returns the compose file's path.
 * `edges` are the waits between containers the engine recorded for the program
 * (timeline.ts waitEdges): compose waits exactly where the program does.
 */
export function writeComposeProject(resources: readonly RecordedResource[], edges: ReadonlyMap<string, readonly WaitEdge[]>, dir: string): string {
    const containers = resources.filter((r) => r.type === "docker:index/container:Container").map((r) => r.inputs);
    const deliverers = new Map(containers.filter((c) => c["mustRun"] === false).map((c) => [String(c["name"]), c]));
    const services: Record<string, unknown> = {};
    const networks: Record<string, unknown> = {};
    const volumes: Record<string, unknown> = {};

    for (const r of resources) {
        if (r.type === "docker:index/network:Network") {
            networks[String(r.inputs["name"])] = { name: r.inputs["name"], internal: r.inputs["internal"] === true };
        }
        if (r.type === "docker:index/volume:Volume" && !String(r.inputs["name"]).endsWith("-files")) {
            volumes[String(r.inputs["name"])] = { name: r.inputs["name"] };
        }
    }

    for (const c of containers.filter((c) => c["mustRun"] !== false)) {
        const name = String(c["name"]);
        const serviceVolumes = ((c["volumes"] as { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? []).map((v) => {
            if (v.hostPath !== undefined) return `${v.hostPath}:${v.containerPath}${v.readOnly === true ? ":ro" : ""}`;
            const volume = v.volumeName ?? "";
            const files = deliverers.get(volume);
            if (files !== undefined) return `${stageFiles(files, path.join(dir, volume))}:${v.containerPath}:ro`;
            return `${volume}:${v.containerPath}${v.readOnly === true ? ":ro" : ""}`;
        });
        const hc = c["healthcheck"] as { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
        const nets = c["networksAdvanced"] as { name: string; aliases: string[] }[];
        services[name] = {
            container_name: name,
            image: imageRef(String(c["image"])),
            ...(c["command"] === undefined ? {} : { command: c["command"] }),
            environment: c["envs"] ?? [],
            ports: ((c["ports"] as { internal: number; external: number; ip: string }[] | undefined) ?? []).map((p) => `${p.ip}:${p.external}:${p.internal}`),
            volumes: serviceVolumes,
            networks: Object.fromEntries(nets.map((n) => [n.name, { aliases: n.aliases }])),
            healthcheck: { test: hc.tests, interval: hc.interval, timeout: hc.timeout, retries: hc.retries, start_period: hc.startPeriod },
            restart: c["restart"],
            ...(c["user"] === undefined ? {} : { user: c["user"] }),
            read_only: c["readOnly"] === true,
            ...(c["securityOpts"] === undefined ? {} : { security_opt: c["securityOpts"] }),
            ...(c["capabilities"] === undefined ? {} : { cap_drop: (c["capabilities"] as { drops: string[] }).drops }),
            ...(c["tmpfs"] === undefined ? {} : { tmpfs: Object.entries(c["tmpfs"] as Record<string, string>).map(([p, o]) => `${p}:${o}`) }),
            logging: { driver: c["logDriver"], options: c["logOpts"] },
            labels: Object.fromEntries((c["labels"] as { label: string; value: string }[]).map((l) => [l.label, l.value])),
            ...(c["memory"] === undefined ? {} : { mem_limit: `${Number(c["memory"])}m` }),
            ...(c["cpus"] === undefined ? {} : { cpus: Number(c["cpus"]) }),
        };
    }
    // The program's ordering, as the engine recorded it: the same waits, no others.
    for (const [name, service] of Object.entries(services)) {
        const waits = edges.get(name) ?? [];
        if (waits.length === 0) continue;
        (service as Record<string, unknown>)["depends_on"] = Object.fromEntries(waits.map((w) => [w.on, { condition: w.healthy ? "service_healthy" : "service_started" }]));
    }
    const file = path.join(dir, "docker-compose.yml");
    // docker-compose interpolates $VARIABLES in every value; Docker gets the program's values as they are.
    const literal = (value: unknown): unknown =>
        typeof value === "string" ? value.replace(/\$/g, "$$$$") : Array.isArray(value) ? value.map(literal) : value !== null && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) : value;
    for (const name of Object.keys(services)) services[name] = literal(services[name]);
    // Quoted: docker-compose reads YAML 1.1, where 472:0 is a number.
    fs.writeFileSync(file, stringify({ version: "2.4", services, networks, volumes }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
    return file;
}

/**
 * Containers run their image by id; the mocks give an image the id `sha256:<reference>`
 * (tests/mocks.ts fakeImageId), so the reference is what follows.
 */
function imageRef(id: string): string {
    const ref = id.replace(/^sha256:/, "");
    if (/^[0-9a-f]{64}$/.test(ref)) throw new Error(`the recorded container names a real image id (${id}), not a reference the compose file can name`);
    return ref;
}

/** Writes a `-files` container's uploads into `target` with its modes and owner; returns `target`. */
function stageFiles(deliverer: Inputs, target: string): string {
    const owner = /chown -R (\d+):(\d+) /.exec(String((deliverer["command"] as string[])[0]));
    for (const u of unwrapSecret(deliverer["uploads"]) as Upload[]) {
        const file = path.join(target, u.file.replace(/^\/stage\//, ""));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, u.content);
        fs.chmodSync(file, parseInt(u.permissions, 8));
        if (owner !== null) fs.chownSync(file, Number(owner[1]), Number(owner[2]));
    }
    return target;
}
