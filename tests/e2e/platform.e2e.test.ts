import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { docker, dockerLogs, eventually, getJson, Harness, postJson, PulumiError, skipWithoutPlugins, STACKS, StackName } from "./harness";

/**
 * The platform for real on plain containers: the Pulumi engine, the docker and
 * command providers, and the Docker daemon. Development builds from source;
 * testing runs a release made once with `ade release` and promoted to it
 * (testing runs on Swarm as committed; here, beside development on one engine,
 * on the containers runtime). Production, on Swarm with two nodes, is the swarm
 * suite's. Grafana runs as the clearly named stand-in image
 * (toolchain/images/grafana-standin) on machines without a registry; it serves
 * Grafana's health and datasource APIs and refuses to start unless the
 * provisioned datasource and dashboard files arrived intact and parse.
 */
describe("platform end to end", function () {
    this.timeout(0);
    const h = new Harness({ name: "platform", portBase: 0 });
    const apiPort = (stack: StackName) => h.port(stack, stack === "development" ? 18080 : stack === "testing" ? 28080 : 30080);
    const secrets = new Map<string, string>();
    /** The stacks this suite runs (production runs in the swarm suite). */
    const RUN: StackName[] = ["development", "testing"];

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
        // The harness copies the program, not the release files; the copy starts where the repository does.
        fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
        h.setConfig("testing", "runtime", "containers");
        h.setConfig("testing", "services.api.replicas", "1");
    });

    after(async () => {
        await h.cleanUp();
        h.printTimings();
    });

    it("previews development", async () => {
        const out = await h.phase("preview development", () => h.pulumi("development", ["preview", "--diff"]));
        expect(out.stdout).to.match(/\+ .*ade:platform:Platform/);
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

    it("makes release 0.2.0 once and runs exactly that image on testing, beside development", async () => {
        const release = h.ade(["release", "minor", "First release", "--no-git"]);
        expect(release.status, `${release.stdout}\n${release.stderr}`).to.equal(0);
        expect(release.stdout).to.include(`release 0.2.0: building api once (no registry: the images stay on this Docker host)`);
        const promote = h.ade(["promote", "development", "testing", "--yes"], "testing");
        expect(promote.status, `${promote.stdout}\n${promote.stderr}`).to.equal(0);
        expect(promote.stdout).to.match(/release 0\.2\.0 runs the images it was built with: api ade-e2e-platform\/api:0\.2\.0\n/);
        await h.phase("up testing (release 0.2.0)", () => h.up("testing"));
        // The release moved development to 0.2.0 too: it runs that version from source.
        await h.phase("up development (0.2.0)", () => h.up("development"));
        expect((await getJson(`http://127.0.0.1:${apiPort("testing")}/health`)).body).to.include({ status: "ok", version: "0.2.0" });
        const released = docker(["image", "inspect", "--format", "{{.Id}}", `${h.project}/api:0.2.0`]);
        expect(docker(["inspect", "--format", "{{.Image}}", `${h.project}-testing-api`])).to.equal(released);
        const all = h.dockerObjects();
        // Each stack's services plus the one-shot containers that delivered their files.
        expect(all.containers).to.have.length(14 + 13);
    });

    it("refuses a preview of production whose version was never released, naming the fix, and creates nothing", () => {
        let failure: PulumiError | undefined;
        try {
            h.pulumi("production", ["preview"]);
        } catch (error) {
            failure = error as PulumiError;
        }
        expect(failure, "preview of a version never released succeeded").to.be.instanceOf(PulumiError);
        expect(`${failure?.result.stdout ?? ""}${failure?.result.stderr ?? ""}`).to.include(
            `services.api.release: release 0.1.0 has no image ${h.project}/api:0.1.0 on this Docker host (no registry is configured): make it with \`ade release <major|minor|patch> "<what changed>"\` (from development), or promote a released version: ade promote development <stack>`,
        );
        expect(h.dockerObjects(`${h.project}-production-`)).to.deep.equal({ containers: [], networks: [], volumes: [] });
    });

    it("plans no change for any stack after its cold up, after a refresh, and in a preview that refreshes", async () => {
        const unchanged = (out: string, stack: string, step: string) => {
            const summary = /Resources:\n([\s\S]*?)(?:\n\s*\n|\s*$)/.exec(out)?.[1] ?? out;
            expect(summary, `${stack}: ${step}\n${out.slice(-3000)}`).to.match(/^\s+\d+ unchanged\s*$/);
        };
        for (const stack of RUN) {
            unchanged(h.pulumi(stack, ["preview", "--diff"]).stdout, stack, "preview after up");
            await h.phase(`refresh ${stack}`, () => h.pulumi(stack, ["refresh", "--yes", "--skip-preview"]));
            unchanged(h.pulumi(stack, ["preview", "--diff"]).stdout, stack, "preview after refresh");
            unchanged(h.pulumi(stack, ["preview", "--refresh", "--diff"]).stdout, stack, "preview --refresh");
        }
    });

    it("keeps testing's database unreachable from the host", async () => {
        const pg = `${h.project}-testing-postgres`;
        expect(docker(["port", pg])).to.equal("");
        expect(docker(["inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", pg]).trim()).to.equal(
            `${h.project}-testing-internal`,
        );
        const reachable = await new Promise<boolean>((resolve) => {
            const socket = net.connect({ host: "127.0.0.1", port: 5432, timeout: 2000 });
            socket.on("connect", () => (socket.destroy(), resolve(true)));
            socket.on("error", () => resolve(false));
            socket.on("timeout", () => (socket.destroy(), resolve(false)));
        });
        expect(reachable, "something answers on 127.0.0.1:5432").to.equal(false);
    });

    it("hardens testing's containers", () => {
        for (const c of h.dockerObjects(`${h.project}-testing-`).containers.filter((n) => !n.endsWith("-files"))) {
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

    it("delivers testing's secrets as 0400 files owned by the reading user, on a read-only mount", () => {
        const prefix = `${h.project}-testing`;
        const list = (c: string, dir: string) => docker(["exec", c, "sh", "-c", `ls -ln ${dir} | tail -n +2 | awk '{print $1, $3":"$4, $9}'`]);
        expect(list(`${prefix}-api`, "/run/ade/secrets")).to.equal("-r-------- 1000:1000 app-secret-key\n-r-------- 1000:1000 database-password");
        expect(list(`${prefix}-postgres`, "/run/ade/secrets")).to.equal("-r-------- 999:999 database-password");
        expect(list(`${prefix}-grafana`, "/run/ade/secrets")).to.equal("-r-------- 472:0 grafana-admin-password");
        const write = spawnSync("docker", ["exec", `${prefix}-api`, "sh", "-c", "echo x > /run/ade/secrets/new || echo x > /app/new"], { encoding: "utf8" });
        expect(write.status).to.not.equal(0);
        expect(write.stderr).to.match(/Read-only file system/);
    });

    it("connects testing's application to its database and signs its answers", async () => {
        const posted = (await postJson(`http://127.0.0.1:${apiPort("testing")}/visits`)).body as { count: number; signature: string };
        expect(posted.count).to.equal(1);
        expect(posted.signature).to.match(/^[0-9a-f]{64}$/);
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

    it("destroys every container, network and volume of a stack", async () => {
        for (const stack of RUN) await h.phase(`destroy ${stack}`, () => h.pulumi(stack, ["destroy", "--yes", "--skip-preview"]));
        expect(h.dockerObjects()).to.deep.equal({ containers: [], networks: [], volumes: [] });
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
