import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FAKE_SECRETS, RecordedResource, runProgram, stackFileConfig, unwrapSecret } from "../mocks";
import { docker, dockerObjects, eventually, getJson, harnessPort, LOCAL_IMAGES, removeDockerObjects } from "./harness";

/**
 * The program's production environment on the real Docker daemon, created from
 * exactly the resource inputs the program registers (recorded with mocks) by a
 * small translator to `docker` commands. It proves what the mocks cannot: that
 * those inputs, the local images, the generated Prometheus and Grafana files,
 * the backup script and the health probe work together on real containers. It
 * does not exercise the Pulumi engine or the docker provider; the platform
 * suite does, where the plugins exist.
 */
const PROJECT = "ade-e2e-containers";
const STACK = "production";
const PREFIX = `${PROJECT}-${STACK}`;
const port = (p: number) => harnessPort(2, 3, p);

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function configFor(): { config: Record<string, string>; secretKeys: string[] } {
    const committed = stackFileConfig(STACK);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(committed.config)) config[k.replace(/^ade:/, `${PROJECT}:`)] = v;
    const services = JSON.parse(config[`${PROJECT}:services`] ?? "{}") as Record<string, { hostPort: number }>;
    for (const s of Object.values(services)) s.hostPort = port(s.hostPort);
    config[`${PROJECT}:services`] = JSON.stringify(services);
    const monitoring = JSON.parse(config[`${PROJECT}:monitoring`] ?? "{}") as Record<string, { hostPort: number }>;
    for (const m of Object.values(monitoring)) if (typeof m.hostPort === "number") m.hostPort = port(m.hostPort);
    config[`${PROJECT}:monitoring`] = JSON.stringify(monitoring);
    const database = JSON.parse(config[`${PROJECT}:database`] ?? "{}") as { backup: { directory: string } };
    database.backup.directory = path.join(os.tmpdir(), `${PREFIX}-backups`);
    config[`${PROJECT}:database`] = JSON.stringify(database);
    config[`${PROJECT}:images`] = JSON.stringify(LOCAL_IMAGES);
    return { config, secretKeys: committed.secretKeys.map((k) => k.replace(/^ade:/, `${PROJECT}:`)) };
}

/** What the docker provider would do for one recorded resource, with the docker CLI. */
function apply(r: RecordedResource, log: string[]): void {
    const i = r.inputs as Inputs;
    switch (r.type) {
        case "docker:index/network:Network":
            docker(["network", "create", ...(i["internal"] === true ? ["--internal"] : []), String(i["name"])]);
            return;
        case "docker:index/volume:Volume":
            docker(["volume", "create", String(i["name"])]);
            return;
        case "docker:index/image:Image": {
            const build = i["build"] as { context: string; args: Record<string, string> };
            const args = Object.entries(build.args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
            execFileSync("docker", ["build", "-q", "-t", i["imageName"], ...args, build.context], { env: { ...process.env, DOCKER_BUILDKIT: "0" }, stdio: "pipe" });
            return;
        }
        case "command:local:Command": {
            const result = spawnSync("bash", ["-c", i["create"]], { env: { ...process.env, ...(i["environment"] as Record<string, string>) }, encoding: "utf8" });
            log.push(`${r.name}: exit ${result.status}\n${result.stdout}${result.stderr}`);
            if (result.status !== 0) throw new Error(`${r.name} failed: ${result.stderr}`);
            return;
        }
        case "docker:index/container:Container":
            createContainer(i);
            return;
        default:
            if (!r.type.startsWith("ade:")) throw new Error(`no translation for ${r.type}`);
    }
}

function createContainer(i: Inputs): void {
    const name = i["name"] as string;
    const nets = (i["networksAdvanced"] as { name: string; aliases: string[] }[] | undefined) ?? [];
    const hc = i["healthcheck"] as { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string } | undefined;
    const args: string[] = ["create", "--name", name, "--restart", String(i["restart"]), "--log-driver", String(i["logDriver"])];
    for (const [k, v] of Object.entries(i["logOpts"] as Record<string, string>)) args.push("--log-opt", `${k}=${v}`);
    for (const e of (i["envs"] as string[] | undefined) ?? []) args.push("--env", e);
    for (const l of i["labels"] as { label: string; value: string }[]) args.push("--label", `${l.label}=${l.value}`);
    for (const p of (i["ports"] as { internal: number; external: number; ip: string }[] | undefined) ?? []) args.push("-p", `${p.ip}:${p.external}:${p.internal}`);
    for (const v of (i["volumes"] as { volumeName: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? []) {
        args.push("-v", `${v.volumeName}:${v.containerPath}${v.readOnly === true ? ":ro" : ""}`);
    }
    if (i["networkMode"] !== undefined) args.push("--network", String(i["networkMode"]));
    const entrypoint = (i["entrypoints"] as string[] | undefined) ?? [];
    if (entrypoint[0] !== undefined) args.push("--entrypoint", entrypoint[0]);
    for (const [p, o] of Object.entries((i["tmpfs"] as Record<string, string> | undefined) ?? {})) args.push("--tmpfs", `${p}:${o}`);
    for (const s of (i["securityOpts"] as string[] | undefined) ?? []) args.push("--security-opt", s);
    for (const c of (i["capabilities"] as { drops: string[] } | undefined)?.drops ?? []) args.push("--cap-drop", c);
    if (i["readOnly"] === true) args.push("--read-only");
    if (i["user"] !== undefined) args.push("--user", String(i["user"]));
    if (i["memory"] !== undefined) args.push("--memory", `${i["memory"]}m`);
    if (i["cpus"] !== undefined) args.push("--cpus", String(i["cpus"]));
    if (hc !== undefined) {
        args.push("--health-cmd", hc.tests.slice(1).map((t) => (/\s/.test(t) ? `'${t}'` : t)).join(" "));
        args.push("--health-interval", hc.interval, "--health-timeout", hc.timeout, "--health-retries", String(hc.retries), "--health-start-period", hc.startPeriod);
    }
    const [first, ...rest] = nets;
    if (first !== undefined) args.push("--network", first.name, ...first.aliases.flatMap((a) => ["--network-alias", a]));
    args.push(String(i["image"]), ...entrypoint.slice(1), ...((i["command"] as string[] | undefined) ?? []));
    docker(args);
    for (const n of rest) docker(["network", "connect", ...n.aliases.flatMap((a) => ["--alias", a]), n.name, name]);
    const uploads = (unwrapSecret(i["uploads"]) as { file: string; content: string; permissions: string }[] | undefined) ?? [];
    if (uploads.length > 0) {
        const staging = fs.mkdtempSync(path.join(os.tmpdir(), "ade-uploads-"));
        for (const u of uploads) {
            const file = path.join(staging, u.file);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, u.content, { mode: parseInt(u.permissions, 8) });
            fs.chmodSync(file, parseInt(u.permissions, 8));
        }
        execFileSync("bash", ["-c", `tar -C "${staging}" --owner=0 --group=0 -cf - . | docker cp - "${name}:/"`]);
        fs.rmSync(staging, { recursive: true, force: true });
    }
    if (i["attach"] === true) {
        // A one-shot container: run it to the end, as the provider's `attach` does.
        const exit = docker(["wait", (docker(["start", name]), name)]);
        if (exit !== "0") throw new Error(`${name} exited ${exit}: ${docker(["logs", name])}`);
        return;
    }
    docker(["start", name]);
    if (i["wait"] === true) waitHealthy(name, Number(i["waitTimeout"] ?? 120));
}

/** As the provider's `wait`: block until Docker reports the container healthy. */
function waitHealthy(name: string, seconds: number): void {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const status = docker(["inspect", "--format", "{{.State.Health.Status}}", name]);
        if (status === "healthy") return;
        if (status === "unhealthy" || Date.now() > deadline) throw new Error(`${name} is ${status}: ${docker(["logs", "--tail", "20", name])}`);
        execFileSync("sleep", ["1"]);
    }
}

const ownObjects = () => dockerObjects(PREFIX);

function sweep(): void {
    removeDockerObjects(ownObjects());
    fs.rmSync(path.join(os.tmpdir(), `${PREFIX}-backups`), { recursive: true, force: true });
}

describe("production's containers on real Docker, from the program's recorded inputs", function () {
    this.timeout(0);
    const log: string[] = [];
    let resources: RecordedResource[] = [];
    const timings: [string, number][] = [];
    const timed = <T>(name: string, fn: () => T): T => {
        const t = Date.now();
        try {
            return fn();
        } finally {
            timings.push([name, (Date.now() - t) / 1000]);
        }
    };

    before(async () => {
        sweep();
        resources = (await runProgram(STACK, configFor(), PROJECT)).mocks.resources;
        timed("create networks, volumes, image, containers; run backup and health probe", () => {
            for (const r of resources) apply(r, log);
        });
    });

    after(() => {
        timed("clean up", sweep);
        process.stdout.write(`\n  ${PROJECT} phases:\n${timings.map(([n, s]) => `    ${s.toFixed(1).padStart(7)} s  ${n}`).join("\n")}\n`);
    });

    it("runs every container healthy, hardened and limited", async () => {
        const { containers } = ownObjects();
        expect(containers.sort()).to.deep.equal(
            ["api", "api-files", "grafana", "grafana-files", "postgres", "postgres-files", "prometheus", "prometheus-files"].map((s) => `${PREFIX}-${s}`),
        );
        for (const c of containers.filter((n) => !n.endsWith("-files"))) {
            const state = await eventually(120, () => {
                const s = docker(["inspect", "--format", "{{.State.Health.Status}}", c]);
                return Promise.resolve(s === "healthy" ? s : s === "unhealthy" ? `${s}: ${docker(["logs", "--tail", "20", c])}` : undefined);
            });
            expect(state, c).to.equal("healthy");
            expect(
                docker(["inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.Memory}} {{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}} {{.Config.User}}", c]),
                c,
            ).to.match(/^true [1-9][0-9]* \["ALL"\] \["no-new-privileges:true"\] [1-9][0-9]*:[0-9]+$/);
        }
    });

    it("delivers secrets as 0400 files owned by the reading user, on a read-only mount", () => {
        const list = (c: string, dir: string) => docker(["exec", c, "sh", "-c", `ls -ln ${dir} | tail -n +2 | awk '{print $1, $3":"$4, $9}'`]);
        expect(list(`${PREFIX}-api`, "/run/ade/secrets")).to.equal("-r-------- 1000:1000 app-secret-key\n-r-------- 1000:1000 database-password");
        expect(list(`${PREFIX}-postgres`, "/run/ade/secrets")).to.equal("-r-------- 999:999 database-password");
        expect(list(`${PREFIX}-grafana`, "/run/ade/secrets")).to.equal("-r-------- 472:0 grafana-admin-password");
        const write = spawnSync("docker", ["exec", `${PREFIX}-api`, "sh", "-c", "echo x > /run/ade/secrets/new || echo x > /app/new"], { encoding: "utf8" });
        expect(write.status).to.not.equal(0);
        expect(write.stderr).to.match(/Read-only file system/);
    });

    it("passes the health verification the program declares", () => {
        const probe = log.find((l) => l.startsWith("ade-health-probe"));
        expect(probe).to.match(new RegExp(`exit 0\\nhealthy: api http://127\\.0\\.0\\.1:${port(30080)}/health answered HTTP 200`));
        expect(probe).to.match(/healthy: prometheus .* answered HTTP 200/);
        expect(probe).to.match(/healthy: grafana .* answered HTTP 200/);
    });

    it("connects the application to the database and keeps its visits", async () => {
        expect((await getJson(`http://127.0.0.1:${port(30080)}/ready`)).status).to.equal(200);
        const posted = (await (await fetch(`http://127.0.0.1:${port(30080)}/visits`, { method: "POST" })).json()) as { count: number; signature: string };
        expect(posted.count).to.equal(1);
        expect(posted.signature).to.match(/^[0-9a-f]{64}$/);
    });

    it("scrapes the application, Prometheus and Grafana with the generated configuration", async () => {
        const targets = await eventually(90, async () => {
            const { body } = await getJson(`http://127.0.0.1:${port(30090)}/api/v1/targets`);
            const active = (body as { data: { activeTargets: { labels: { job: string }; health: string }[] } }).data.activeTargets;
            return active.length === 3 && active.every((t) => t.health === "up") ? active : undefined;
        });
        expect(targets.map((t) => t.labels.job).sort()).to.deep.equal(["api", "grafana", "prometheus"]);
    });

    it("provisions Grafana's datasource and dashboard, behind the admin password", async () => {
        expect((await getJson(`http://127.0.0.1:${port(30300)}/api/datasources`)).status).to.equal(401);
        const auth = { Authorization: `Basic ${Buffer.from(`admin:${FAKE_SECRETS["grafanaAdminPassword"] ?? ""}`).toString("base64")}` };
        const ds = await getJson(`http://127.0.0.1:${port(30300)}/api/datasources`, auth);
        expect(ds.status).to.equal(200);
        const sources = ds.body as Record<string, unknown>[];
        expect(sources).to.have.length(1);
        expect(sources[0]).to.include({ name: "Prometheus", type: "prometheus", uid: "ade-prometheus", url: "http://prometheus:9090", access: "proxy", isDefault: true });
        const search = await getJson(`http://127.0.0.1:${port(30300)}/api/search`, auth);
        expect((search.body as { uid: string; title: string }[]).map((d) => [d.uid, d.title])).to.deep.equal([["ade-platform", "ADE Platform (production)"]]);
    });

    it("backs the database up and restores the backup", () => {
        const backup = resources.find((r) => r.name === "ade-database-backup");
        const env = (backup?.inputs["environment"] ?? {}) as Record<string, string>;
        expect(log.find((l) => l.startsWith("ade-database-backup"))).to.include(`no backup: container ${PREFIX}-postgres is not running`);
        const run = spawnSync("bash", [path.join(__dirname, "..", "..", "components", "db-backup.sh")], { env: { ...process.env, ...env }, encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        const file = /^backup: (.+\.dump)$/m.exec(run.stdout)?.[1];
        expect(file, run.stdout).to.be.a("string");
        const psql = (sql: string) =>
            docker(["exec", `${PREFIX}-postgres`, "sh", "-c", `PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" psql -h 127.0.0.1 -U ade -d ade -tAc "${sql}"`]);
        psql("DELETE FROM visit_counter");
        const restore = spawnSync(
            "bash",
            ["-c", `docker exec -i ${PREFIX}-postgres sh -c 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" pg_restore -h 127.0.0.1 -U ade -d ade --clean --if-exists' < "${file ?? ""}"`],
            { encoding: "utf8" },
        );
        expect(restore.status, restore.stderr).to.equal(0);
        expect(psql("SELECT count(*) FROM visit_counter")).to.equal("1");
    });

    it("shows no secret in docker inspect or the logs", () => {
        const { containers } = ownObjects();
        const text = docker(["inspect", ...containers]) + containers.map((c) => execFileSync("docker", ["logs", c], { encoding: "utf8", stdio: "pipe" })).join("");
        expect(containers).to.have.length(8);
        for (const s of Object.values(FAKE_SECRETS)) expect(text.includes(s), s).to.equal(false);
    });
});
