/**
 * Cold `up` of the development stack to all-healthy, against `docker-compose
 * up -d` of the compose file generated from the same stack config (same
 * images, ports, limits, healthchecks, files), both followed by the same
 * polling of Docker's healthchecks. Runs alternate between the two sides, and
 * each side starts from nothing: `pulumi destroy` / `docker-compose down -v`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Harness } from "../tests/e2e/harness";
import { unwrapSecret } from "../tests/mocks";
import { writeComposeProject } from "./compose";
import { destroy, recordStack, serviceContainers, up } from "./harnessOps";
import { waitAllHealthy } from "./health";
import { runOk } from "./proc";
import { Report } from "./report";

const SECTION = "cold up (development)";

export async function coldUp(h: Harness, runs: number, report: Report): Promise<void> {
    const resources = await recordStack(h, "development");
    const names = serviceContainers(resources);
    const composeDir = fs.mkdtempSync(path.join(os.tmpdir(), `${h.project}-compose-`));
    const composeProject = `${h.project}-compose`;
    const compose = (args: string[]) => runOk("docker-compose", ["--ansi", "never", "-p", composeProject, "-f", path.join(composeDir, "docker-compose.yml"), ...args]);
    try {
        writeComposeProject(resources, composeDir);
        prebuildImages(h, resources);
        h.initStack("development");
        const ours: number[] = [];
        const peer: number[] = [];
        const engineOnly: number[] = [];
        const destroys: number[] = [];
        const downs: number[] = [];
        for (let run = 0; run < runs; run++) {
            let started = process.hrtime.bigint();
            try {
                const result = await up(h, "development");
                engineOnly.push(result.seconds);
                await waitAllHealthy(names);
                ours.push(since(started));
            } finally {
                destroys.push((await destroy(h, "development")).seconds);
            }
            started = process.hrtime.bigint();
            try {
                await compose(["up", "-d"]);
                await waitAllHealthy(names);
                peer.push(since(started));
            } finally {
                downs.push((await compose(["down", "-v"])).seconds);
            }
            process.stdout.write(`[bench] cold up run ${run + 1}/${runs}: pulumi ${ours[run]?.toFixed(1)} s, compose ${peer[run]?.toFixed(1)} s\n`);
        }
        report.record(SECTION, "pulumi up -> all healthy", ours, { note: `${names.length} containers` });
        report.record(SECTION, "  of which `pulumi up` itself", engineOnly, { note: "includes the program's own health verification" });
        report.record(SECTION, "docker-compose up -d -> all healthy", peer, { note: "same images, healthchecks, files; same polling" });
        report.ratio(SECTION, "ratio pulumi / compose", ours, peer);
        report.record(SECTION, "pulumi destroy", destroys);
        report.record(SECTION, "docker-compose down -v", downs);
        report.ratio(SECTION, "ratio destroy / down -v", destroys, downs);
    } finally {
        await compose(["down", "-v"]).catch(() => undefined); // a sweep: usually nothing is left to remove
        fs.rmSync(composeDir, { recursive: true, force: true });
    }
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
