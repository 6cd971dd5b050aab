/**
 * Cold `up` of the development stack to all-healthy, against `docker-compose
 * up -d` of the compose file generated from the same stack config (same
 * images, ports, limits, healthchecks, files, and the same waits between
 * containers), both followed by the same polling of Docker's healthchecks.
 * Runs alternate between the two sides, and each side starts from nothing:
 * `pulumi destroy` / `docker-compose down -v`. Docker's events of every run
 * give the floor (the slowest chain of health waits); one extra traced run
 * (`pulumi up --json`, the engine's events as they happen) gives the
 * per-resource timeline.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Harness } from "../tests/e2e/harness";
import { unwrapSecret } from "../tests/mocks";
import { writeComposeProject } from "./compose";
import { watchContainerEvents } from "./dockerEvents";
import { destroy, pulumi, recordStack, serviceContainers, up } from "./harnessOps";
import { waitAllHealthy } from "./health";
import { runOk, sleep, Timed } from "./proc";
import { Report } from "./report";
import { containerTimes, ContainerEvent, ContainerTimes, describeChain, engineSteps, slowestChain, StateResource, stateName, Step, urnName, waitEdges } from "./timeline";

const SECTION = "cold up (development)";

interface Window {
    /** Seconds since the epoch when the side's command was started, and when all was healthy. */
    readonly from: number;
    readonly to: number;
}

export async function coldUp(h: Harness, runs: number, report: Report): Promise<void> {
    const resources = await recordStack(h, "development");
    const names = serviceContainers(resources);
    const prefix = `${h.project}-development-`;
    const composeDir = fs.mkdtempSync(path.join(os.tmpdir(), `${h.project}-compose-`));
    const composeProject = `${h.project}-compose`;
    const compose = (args: string[]) => runOk("docker-compose", ["--ansi", "never", "-p", composeProject, "-f", path.join(composeDir, "docker-compose.yml"), ...args]);
    const watch = watchContainerEvents(h.project);
    try {
        prebuildImages(h, resources);
        h.initStack("development");

        // The traced run: not one of the timed samples (--json prints every engine event).
        const tracedFrom = Date.now() / 1000;
        const traced = await pulumi(h, "development", ["up", "--yes", "--skip-preview", "--json", "--message", "bench (traced)"]);
        await waitAllHealthy(names);
        const tracedTo = Date.now() / 1000;
        const state = exportedState(h);
        const edges = waitEdges(state, names);
        await destroy(h, "development");
        writeComposeProject(resources, edges, composeDir);
        const edgeList = [...edges].flatMap(([from, to]) => to.map((e) => `${short(from, prefix)} waits for ${short(e.on, prefix)} ${e.healthy ? "healthy" : "created"}`));
        report.notes.push(`cold up: waits between containers, as the engine recorded them for the program and as the compose peer declares them: ${edgeList.length === 0 ? "none" : edgeList.join("; ")}`);

        const ours: number[] = [];
        const peer: number[] = [];
        const engineOnly: number[] = [];
        const destroys: number[] = [];
        const downs: number[] = [];
        const oursWindows: Window[] = [];
        const peerWindows: Window[] = [];
        for (let run = 0; run < runs; run++) {
            let from = Date.now() / 1000;
            let started = process.hrtime.bigint();
            try {
                const result = await up(h, "development");
                engineOnly.push(result.seconds);
                await waitAllHealthy(names);
                ours.push(since(started));
                oursWindows.push({ from, to: Date.now() / 1000 });
            } finally {
                destroys.push((await destroy(h, "development")).seconds);
            }
            from = Date.now() / 1000;
            started = process.hrtime.bigint();
            try {
                await compose(["up", "-d"]);
                await waitAllHealthy(names);
                peer.push(since(started));
                peerWindows.push({ from, to: Date.now() / 1000 });
            } finally {
                downs.push((await compose(["down", "-v"])).seconds);
            }
            process.stdout.write(`[bench] cold up run ${run + 1}/${runs}: pulumi ${ours[run]?.toFixed(1)} s, compose ${peer[run]?.toFixed(1)} s\n`);
        }
        await sleep(500); // the last events of the stream
        const events = [...watch.events];

        report.record(SECTION, "pulumi up -> all healthy", ours, { note: `${names.length} containers` });
        report.record(SECTION, "  of which `pulumi up` itself", engineOnly, { note: "includes the program's own health verification" });
        report.record(SECTION, "docker-compose up -d -> all healthy", peer, { note: "same images, healthchecks, waits; same polling; files bind-mounted (see file delivery)" });
        report.ratio(SECTION, "ratio pulumi / compose", ours, peer);
        const floors = (windows: Window[]) => windows.map((w) => slowestChain(names, edges, containerTimes(events, w.from, w.to)));
        const peerFloors = floors(peerWindows);
        const ourFloors = floors(oursWindows);
        report.record(SECTION, "floor: slowest wait chain, container start -> first healthy probe (compose's runs)", peerFloors.map((c) => c.seconds), {
            note: `docker events; chain of the median run: ${describeChain(medianOf(peerFloors), prefix)}`,
        });
        report.record(SECTION, "floor: the same chain in pulumi's runs", ourFloors.map((c) => c.seconds), { note: `chain of the median run: ${describeChain(medianOf(ourFloors), prefix)}` });
        report.record(SECTION, "pulumi up start -> first service container started", oursWindows.map((w) => firstStart(events, w, names) - w.from), {
            note: "CLI, engine, language host, program, plugins, networks, volumes, images, file delivery",
        });
        report.record(SECTION, "compose up start -> first service container started", peerWindows.map((w) => firstStart(events, w, names) - w.from));
        const delivery = fileDelivery(events, oursWindows, names);
        report.record(SECTION, "file delivery: one-shot -files container, create -> exit", delivery, {
            note: `${delivery.length} deliveries over ${oursWindows.length} runs; each precedes its service's container. The compose peer bind-mounts the same files, written to disk before timing`,
        });
        report.record(SECTION, "pulumi destroy", destroys);
        report.record(SECTION, "docker-compose down -v", downs);
        report.ratio(SECTION, "ratio destroy / down -v", destroys, downs);
        const tracedTimes = containerTimes(events, tracedFrom, tracedTo);
        const allHealthy = Math.max(...names.map((n) => tracedTimes.get(n)?.healthy ?? NaN)) - tracedFrom;
        const verification = engineSteps(traced.lines).find((s) => s.type === "command:local:Command" && urnName(s.urn).endsWith("-health-probe"));
        report.record(SECTION, "traced run: every container healthy -> `pulumi up` exits", [traced.seconds - allHealthy], {
            note: `1 run; the program's health verification step took ${verification?.end === undefined ? "?" : (verification.end - verification.start).toFixed(2)} s (it also waits for every Prometheus scrape target to be up)`,
        });
        report.sections.push({
            title: "Timeline of one cold up of development",
            lines: timelineTable(traced, tracedFrom, tracedTo, state, events, peerWindows[0], names, prefix),
        });
    } finally {
        await watch.stop();
        await compose(["down", "-v"]).catch(() => undefined); // a sweep: usually nothing is left to remove
        fs.rmSync(composeDir, { recursive: true, force: true });
    }
}

function exportedState(h: Harness): StateResource[] {
    const out = execFileSync("pulumi", ["stack", "export", "--stack", "development", "--non-interactive"], { cwd: h.dir, env: h.env("development"), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return (JSON.parse(out) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
}

function firstStart(events: readonly ContainerEvent[], w: Window, names: readonly string[]): number {
    const starts = [...containerTimes(events, w.from, w.to)].filter(([n]) => names.includes(n)).map(([, t]) => t.start ?? Infinity);
    return Math.min(...starts);
}

function fileDelivery(events: readonly ContainerEvent[], windows: readonly Window[], names: readonly string[]): number[] {
    return windows.flatMap((w) =>
        [...containerTimes(events, w.from, w.to)]
            .filter(([n, t]) => !names.includes(n) && n.endsWith("-files") && t.create !== undefined && t.die !== undefined)
            .map(([, t]) => (t.die as number) - (t.create as number)),
    );
}

function medianOf<T extends { seconds: number }>(items: readonly T[]): T {
    const sorted = [...items].sort((a, b) => a.seconds - b.seconds);
    const m = sorted[Math.floor((sorted.length - 1) / 2)];
    if (m === undefined) throw new Error("no runs to take a median of");
    return m;
}

function short(name: string, prefix: string): string {
    return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The traced run as a table: each resource's engine step (from the engine's
 * events, stamped as they arrived), and for containers Docker's create, start
 * and first healthy probe; beside them the same container in compose's first run.
 */
function timelineTable(
    traced: Timed,
    from: number,
    to: number,
    state: readonly StateResource[],
    events: readonly ContainerEvent[],
    peer: Window | undefined,
    names: readonly string[],
    prefix: string,
): string[] {
    const steps = engineSteps(traced.lines).filter((s) => !s.type.startsWith("ade:"));
    const ours = containerTimes(events, from, to);
    const theirs = peer === undefined ? new Map<string, ContainerTimes>() : containerTimes(events, peer.from, peer.to);
    const nameOf = new Map(state.filter((r) => r.type === "docker:index/container:Container").map((r) => [r.urn, stateName(r)]));
    const at = (t: number | undefined, zero: number) => (t === undefined ? "" : (t - zero).toFixed(2));
    const stepAt = (t: number | undefined) => (t === undefined ? "" : t.toFixed(2));
    const kind = (s: Step) => s.type.replace(/^docker:index\/\w+:/, "docker:").replace(/^command:local:/, "command:").replace(/^pulumi:providers:/, "provider:");
    const lines = [
        `One extra \`pulumi up --json\` from nothing (not among the timed runs; ${traced.seconds.toFixed(1)} s to exit, ${(to - from).toFixed(1)} s to all healthy), seconds since the command started.`,
        "Engine: a resource's step from its pre-event to its outputs event, as the lines arrived. Docker: `docker events` of the same run.",
        `Compose: the same container in compose's first timed run, seconds since \`docker-compose up -d\` started.${peer === undefined ? " (no compose run)" : ""}`,
        "",
        "| resource | type | engine step | docker create | docker start | first healthy | compose start | compose healthy |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ];
    for (const s of [...steps].sort((a, b) => a.start - b.start)) {
        const container = nameOf.get(s.urn);
        const t = container === undefined ? undefined : ours.get(container);
        const c = container === undefined ? undefined : theirs.get(container);
        lines.push(
            `| ${urnName(s.urn)} | ${kind(s)} | ${stepAt(s.start)} - ${stepAt(s.end)} | ${at(t?.create, from)} | ${at(t?.start, from)} | ${at(t?.healthy, from)} | ${
                peer === undefined ? "" : at(c?.start, peer.from)
            } | ${peer === undefined ? "" : at(c?.healthy, peer.from)} |`,
        );
    }
    const healthyAll = Math.max(...names.map((n) => ours.get(n)?.healthy ?? NaN));
    lines.push("", `Every service container (${names.map((n) => short(n, prefix)).join(", ")}) healthy by Docker's events at ${at(healthyAll, from)} s.`);
    return lines;
}

/**
 * Builds the application image once, with the command the docker plugin runs,
 * so neither side pays for a first build: the compose file names the image,
 * and the Pulumi side's build becomes a cache hit.
 */
function prebuildImages(h: Harness, resources: Awaited<ReturnType<typeof recordStack>>): void {
    for (const image of resources.filter((r) => r.type === "docker:index/image:Image")) {
        const build = unwrapSecret(image.inputs["build"]) as { context: string; args?: Record<string, string> };
        const args = Object.entries(build.args ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${String(unwrapSecret(v))}`]);
        const context = path.join(h.dir, path.basename(build.context));
        execFileSync("docker", ["build", "-q", "-t", String(image.inputs["imageName"]), ...args, context], {
            env: { ...process.env, DOCKER_BUILDKIT: "0" },
            stdio: ["ignore", "ignore", "inherit"],
        });
    }
}

function since(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e9;
}
