import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { docker, dockerLogs, eventually, getJson, Harness, postJson, PulumiError, skipWithoutPlugins, STACKS, StackName } from "./harness";

/**
 * The platform for real: the Pulumi engine, the docker and command providers
 * built here, and the Docker daemon. Grafana runs as the clearly named stand-in
 * image (toolchain/images/grafana-standin) on machines without a registry; it serves
 * Grafana's health and datasource APIs and refuses to start unless the
 * provisioned datasource and dashboard files arrived intact and parse.
 */
describe("platform end to end", function () {
    this.timeout(0);
    const h = new Harness({ name: "platform", portBase: 0 });
    const apiPort = (stack: StackName) => h.port(stack, stack === "development" ? 18080 : stack === "testing" ? 28080 : 30080);
    const secrets = new Map<string, string>();

    before(async function () {
        skipWithoutPlugins(this);
        await h.prepare();
        for (const stack of STACKS) {
            h.initStack(stack);
            for (const key of ["databasePassword", "grafanaAdminPassword", "appSecretKey"]) {
                secrets.set(`${stack}:${key}`, h.readSecret(stack, key));
            }
        }
        expect(secrets.size).to.equal(9);
    });

    after(async () => {
        await h.cleanUp();
        h.printTimings();
    });

    it("previews all three stacks", async () => {
        for (const stack of STACKS) {
            const out = await h.phase(`preview ${stack}`, () => h.pulumi(stack, ["preview", "--diff"]));
            expect(out.stdout).to.match(/\+ .*ade:platform:Platform/);
        }
    });

    it("brings development up: every container running and healthy", async () => {
        await h.phase("up development (cold)", () => h.up("development"));
        const { containers } = h.dockerObjects(`${h.project}-development-`);
        expect(containers.sort()).to.deep.equal(
            [
                "alertmanager",
                "alertmanager-files",
                "api",
                "api-files",
                "dbadmin",
                "grafana",
                "grafana-files",
                "node-exporter",
                "postgres",
                "postgres-exporter",
                "postgres-exporter-files",
                "postgres-files",
                "prometheus",
                "prometheus-files",
            ].map(
                (s) => `${h.project}-development-${s}`,
            ),
        );
        for (const c of containers.filter((n) => !n.endsWith("-files"))) {
            expect(docker(["inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", c]), c).to.equal("running healthy");
        }
    });

    it("serves the application's /health and /ready over loopback", async () => {
        const health = await getJson(`http://127.0.0.1:${apiPort("development")}/health`);
        expect(health.status).to.equal(200);
        expect(health.body).to.include({ status: "ok", version: "0.1.0" });
        const ready = await getJson(`http://127.0.0.1:${apiPort("development")}/ready`);
        expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
    });

    it("has Prometheus scraping every target successfully", async () => {
        const promPort = h.port("development", 19090);
        const targets = await eventually(90, async () => {
            const { body } = await getJson(`http://127.0.0.1:${promPort}/api/v1/targets`);
            const active = (body as { data: { activeTargets: { labels: { job: string }; health: string }[] } }).data.activeTargets;
            return active.length === 6 && active.every((t) => t.health === "up") ? active : undefined;
        });
        expect(targets.map((t) => t.labels.job).sort()).to.deep.equal(["alertmanager", "api", "grafana", "node-exporter", "postgres-exporter", "prometheus"]);
        const rules = await getJson(`http://127.0.0.1:${promPort}/api/v1/rules`);
        const names = (rules.body as { data: { groups: { rules: { name: string }[] }[] } }).data.groups.flatMap((g) => g.rules.map((r) => r.name));
        expect(names.filter((n) => !n.startsWith("ade:"))).to.deep.equal([
            "TargetDown",
            "DatabaseDown",
            "DatabaseConnectionsNearLimit",
            "DiskAlmostFull",
            "DiskFillingUp",
            "MemoryNearLimit",
            "HealthEndpointFailing",
            "ScrapeGaps",
            "HighErrorRate",
            "FrequentRestarts",
            "AlertDeliveryFailing",
        ]);
    });

    it("has Grafana healthy with its provisioned datasource pointing at Prometheus", async () => {
        const port = h.port("development", 13000);
        expect((await getJson(`http://127.0.0.1:${port}/api/health`)).status).to.equal(200);
        const auth = `Basic ${Buffer.from(`admin:${secrets.get("development:grafanaAdminPassword") ?? ""}`).toString("base64")}`;
        const { status, body } = await getJson(`http://127.0.0.1:${port}/api/datasources`, { Authorization: auth });
        expect(status).to.equal(200);
        expect(body).to.deep.include.members([]);
        const ds = (body as { name: string; type: string; url: string; isDefault: boolean }[])[0];
        expect(ds).to.include({ name: "Prometheus", type: "prometheus", url: "http://prometheus:9090", isDefault: true });
        const search = await getJson(`http://127.0.0.1:${port}/api/search`, { Authorization: auth });
        expect((search.body as { uid: string }[]).map((d) => d.uid)).to.deep.equal(["ade-database", "ade-host", "ade-platform"]);
    });

    it("keeps the database's data across a second up", async () => {
        const url = `http://127.0.0.1:${apiPort("development")}/visits`;
        const first = (await postJson(url)).body as { count: number };
        const second = (await postJson(url)).body as { count: number };
        expect(second.count).to.equal(first.count + 1);
        const again = await h.phase("up development (no changes)", () => h.up("development"));
        expect(again.stdout).to.match(/unchanged/);
        expect(((await getJson(url)).body as { count: number }).count).to.equal(second.count);
    });

    it("runs testing and production beside development without clashes", async () => {
        await h.phase("up testing", () => h.up("testing"));
        await h.phase("up production", () => h.up("production"));
        for (const stack of STACKS) {
            const health = await getJson(`http://127.0.0.1:${apiPort(stack)}/health`);
            expect(health.status, stack).to.equal(200);
        }
        const all = h.dockerObjects();
        // Each stack's services plus the one-shot containers that delivered their files.
        expect(all.containers).to.have.length(14 + 13 + 13);
    });

    it("plans no change for any stack after its cold up, after a refresh, and in a preview that refreshes", async () => {
        const unchanged = (out: string, stack: string, step: string) => {
            const summary = /Resources:\n([\s\S]*?)(?:\n\s*\n|\s*$)/.exec(out)?.[1] ?? out;
            expect(summary, `${stack}: ${step}\n${out.slice(-3000)}`).to.match(/^\s+\d+ unchanged\s*$/);
        };
        for (const stack of STACKS) {
            unchanged(h.pulumi(stack, ["preview", "--diff"]).stdout, stack, "preview after up");
            await h.phase(`refresh ${stack}`, () => h.pulumi(stack, ["refresh", "--yes", "--skip-preview"]));
            unchanged(h.pulumi(stack, ["preview", "--diff"]).stdout, stack, "preview after refresh");
            unchanged(h.pulumi(stack, ["preview", "--refresh", "--diff"]).stdout, stack, "preview --refresh");
        }
    });

    it("publishes nothing of production beyond loopback but the application", () => {
        const published = h
            .dockerObjects(`${h.project}-production-`)
            .containers.filter((n) => !n.endsWith("-files"))
            .flatMap((c) =>
                docker(["port", c])
                    .split("\n")
                    .filter(Boolean)
                    .map((line) => `${c.replace(`${h.project}-production-`, "")} ${line}`),
            )
            .sort();
        expect(published).to.deep.equal([
            `alertmanager 9093/tcp -> 127.0.0.1:${h.port("production", 30093)}`,
            `api 8080/tcp -> 0.0.0.0:${apiPort("production")}`,
            `grafana 3000/tcp -> 127.0.0.1:${h.port("production", 30300)}`,
            `prometheus 9090/tcp -> 127.0.0.1:${h.port("production", 30090)}`,
        ]);
    });

    it("keeps production's database unreachable from the host", async () => {
        const pg = `${h.project}-production-postgres`;
        expect(docker(["port", pg])).to.equal("");
        expect(docker(["inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", pg]).trim()).to.equal(
            `${h.project}-production-internal`,
        );
        const reachable = await new Promise<boolean>((resolve) => {
            const socket = net.connect({ host: "127.0.0.1", port: 5432, timeout: 2000 });
            socket.on("connect", () => (socket.destroy(), resolve(true)));
            socket.on("error", () => resolve(false));
            socket.on("timeout", () => (socket.destroy(), resolve(false)));
        });
        expect(reachable, "something answers on 127.0.0.1:5432").to.equal(false);
    });

    it("hardens production's containers", () => {
        for (const c of h.dockerObjects(`${h.project}-production-`).containers.filter((n) => !n.endsWith("-files"))) {
            const [readOnly, user, secOpt, capDrop] = docker([
                "inspect",
                "--format",
                "{{.HostConfig.ReadonlyRootfs}}|{{.Config.User}}|{{json .HostConfig.SecurityOpt}}|{{json .HostConfig.CapDrop}}",
                c,
            ]).split("|");
            expect(readOnly, c).to.equal("true");
            expect(user, c).to.match(/^[1-9][0-9]*:[0-9]+$/);
            expect(secOpt, c).to.equal('["no-new-privileges:true"]');
            expect(capDrop, c).to.equal('["ALL"]');
        }
    });

    it("delivers production's secrets as 0400 files owned by the reading user, on a read-only mount", () => {
        const prefix = `${h.project}-production`;
        const list = (c: string, dir: string) => docker(["exec", c, "sh", "-c", `ls -ln ${dir} | tail -n +2 | awk '{print $1, $3":"$4, $9}'`]);
        expect(list(`${prefix}-api`, "/run/ade/secrets")).to.equal("-r-------- 1000:1000 app-secret-key\n-r-------- 1000:1000 database-password");
        expect(list(`${prefix}-postgres`, "/run/ade/secrets")).to.equal("-r-------- 999:999 database-password");
        expect(list(`${prefix}-grafana`, "/run/ade/secrets")).to.equal("-r-------- 472:0 grafana-admin-password");
        const write = spawnSync("docker", ["exec", `${prefix}-api`, "sh", "-c", "echo x > /run/ade/secrets/new || echo x > /app/new"], { encoding: "utf8" });
        expect(write.status).to.not.equal(0);
        expect(write.stderr).to.match(/Read-only file system/);
    });

    it("connects production's application to its database and signs its answers", async () => {
        const posted = (await postJson(`http://127.0.0.1:${apiPort("production")}/visits`)).body as { count: number; signature: string };
        expect(posted.count).to.equal(1);
        expect(posted.signature).to.match(/^[0-9a-f]{64}$/);
    });

    it("keeps production's Grafana behind the admin password", async () => {
        const url = `http://127.0.0.1:${h.port("production", 30300)}/api/datasources`;
        expect((await getJson(url)).status).to.equal(401);
        const auth = { Authorization: `Basic ${Buffer.from(`admin:${secrets.get("production:grafanaAdminPassword") ?? ""}`).toString("base64")}` };
        const ds = await getJson(url, auth);
        expect(ds.status).to.equal(200);
        expect(ds.body).to.have.length(1);
        const search = await getJson(`http://127.0.0.1:${h.port("production", 30300)}/api/search`, auth);
        expect((search.body as { uid: string; title: string }[]).map((d) => [d.uid, d.title])).to.deep.equal([
            ["ade-database", "ADE Database (production)"],
            ["ade-host", "ADE Host (production)"],
            ["ade-platform", "ADE Platform (production)"],
        ]);
    });

    it("backs production's database up before an update that touches it, and the backup restores", async () => {
        h.setConfig("production", "database.memoryMb", "640");
        await h.phase("up production (database limit changed)", () => h.up("production"));
        const backup = h.pulumi("production", ["stack", "output", "databaseBackup"]).stdout.trim();
        const file = /^backup: (.+\.dump)$/.exec(backup)?.[1];
        expect(file, backup).to.be.a("string");
        const pg = `${h.project}-production-postgres`;
        const psql = (sql: string) => docker(["exec", pg, "sh", "-c", `PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" psql -h 127.0.0.1 -U ade -d ade -tAc "${sql}"`]);
        expect(psql("SELECT count(*) FROM visit_counter")).to.equal("1");
        psql("DELETE FROM visit_counter");
        const restore = spawnSync(
            "bash",
            ["-c", `docker exec -i ${pg} sh -c 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" pg_restore -h 127.0.0.1 -U ade -d ade --clean --if-exists' < "${file ?? ""}"`],
            { encoding: "utf8" },
        );
        expect(restore.status, restore.stderr).to.equal(0);
        expect(psql("SELECT count(*) FROM visit_counter")).to.equal("1");
    });

    it("updates the application version in place and verifies its health", async () => {
        h.setConfig("development", "version", "0.1.1");
        const out = await h.phase("up development (version 0.1.1)", () => h.up("development"));
        expect(out.stdout).to.match(/healthy: api http:\/\/127\.0\.0\.1:\d+\/health answered HTTP 200/);
        const health = await getJson(`http://127.0.0.1:${apiPort("development")}/health`);
        expect(health.body).to.include({ version: "0.1.1" });
        expect(docker(["inspect", "--format", "{{.State.Health.Status}}", `${h.project}-development-postgres`])).to.equal("healthy");
    });

    it("fails the update, naming the service, when a version's health endpoint fails", async () => {
        const routes = path.join(h.dir, "app", "src", "routes.js");
        const original = fs.readFileSync(routes, "utf8");
        fs.writeFileSync(routes, breakHealth(original));
        h.setConfig("development", "version", "0.1.2");
        h.setConfig("development", "healthCheck.deadlineSeconds", "20");
        let failure: PulumiError | undefined;
        try {
            await h.phase("up development (broken 0.1.2)", () => h.up("development"));
        } catch (error) {
            failure = error as PulumiError;
        }
        expect(failure, "pulumi up of a broken version succeeded").to.be.instanceOf(PulumiError);
        expect(`${failure?.result.stdout ?? ""}${failure?.result.stderr ?? ""}`).to.match(/Health verification failed: "api" \(HTTP 500/);
        fs.writeFileSync(routes, original);
    });

    it("destroys every container, network and volume of a stack; production keeps its data volume until released", async () => {
        for (const stack of STACKS) await h.phase(`destroy ${stack}`, () => h.pulumi(stack, ["destroy", "--yes", "--skip-preview"]));
        const left = h.dockerObjects();
        expect(left.containers).to.deep.equal([]);
        expect(left.networks).to.deep.equal([]);
        expect(left.volumes).to.deep.equal([`${h.project}-production-pgdata`]);
        // The documented release step (README: "Destroying production").
        docker(["volume", "rm", `${h.project}-production-pgdata`]);
        expect(h.dockerObjects().volumes).to.deep.equal([]);
    });

    it("never shows a secret in stack files, state, docker inspect, container logs or the program's output", () => {
        const values = [...secrets.values()];
        expect(values.every((v) => v.length >= 16)).to.equal(true);
        const haystacks: [string, string][] = [
            ...STACKS.map((s): [string, string] => [`Pulumi.${s}.yaml`, fs.readFileSync(path.join(h.dir, `Pulumi.${s}.yaml`), "utf8")]),
            ...listFiles(h.stateDir).map((f): [string, string] => [f, fs.readFileSync(f, "utf8")]),
            ["pulumi output", h.transcript.join("\n")],
            ["docker inspect and logs", inspectedDuringRun.join("\n")],
        ];
        expect(inspectedDuringRun.length).to.be.greaterThan(0);
        for (const [where, text] of haystacks) {
            for (const secret of values) expect(text.includes(secret), `a secret appears in ${where}`).to.equal(false);
        }
    });

    // docker inspect and the logs of every container, taken while they ran (before destroy).
    const inspectedDuringRun: string[] = [];
    beforeEach(function () {
        if (this.currentTest?.title.startsWith("destroys") === true) {
            const { containers } = h.dockerObjects();
            if (containers.length > 0) inspectedDuringRun.push(docker(["inspect", ...containers]), ...containers.map((c) => dockerLogs(c)));
        }
    });
});

/** The broken release: its /health answers 500. */
function breakHealth(source: string): string {
    const healthy = 'return { status: 200, json: { status: "ok", version: config.version } };';
    if (!source.includes(healthy)) throw new Error("could not find the /health handler in app/src/routes.js to break it");
    return source.replace(healthy, 'return { status: 500, json: { status: "broken", version: config.version } };');
}

function listFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(e.parentPath, e.name);
        return e.isDirectory() ? listFiles(full) : [full];
    });
}
