import { expect } from "chai";
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { mirrored, readImageMirrors } from "../../config/imageMirrors";
import { docker, dockerLogs, eventually, getJson, Harness, postJson, RunResult, skipWithoutPlugins } from "./harness";

/**
 * Operating a stack, for real: development (plain containers; testing and
 * production run on Swarm, which this suite leaves to the swarm suites)
 * deployed with `ade deploy`, given a webhook and its token, a webhook
 * receiver run by the test on the stack's network, the application's
 * container stopped by hand; `ade drift` and `ade status` see it, TargetDown
 * reaches the receiver with the stack's token, `ade deploy` repairs the stack
 * and the alert resolves. `ade logs` merges the application's and Postgres's
 * lines, and the database dashboard's queries return data from Prometheus.
 */
describe("operating a stack end to end", function () {
    this.timeout(0);
    const h = new Harness({ name: "ops", portBase: 6 });
    const receiver = `${h.project}-alert-receiver`;
    /** The test's own loopback port for the receiver (16200-16299: outside the harness's stack ports). */
    const RECEIVER_PORT = 16250;
    const token = `e2e-alert-token-${randomBytes(12).toString("hex")}`;
    /** Short timers for the test only; production keeps its defaults (for 60 s, evaluation = scrape interval). */
    const timers = { scrapeSeconds: 2, evaluationSeconds: 2, forSeconds: 10, groupWaitSeconds: 1, groupIntervalSeconds: 5 };
    const prometheus = () => `http://127.0.0.1:${h.port("development", 19090)}`;
    const api = () => `http://127.0.0.1:${h.port("development", 18080)}`;
    let stoppedAt = 0;

    function expectExit(result: RunResult, status: number): RunResult {
        expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(status);
        return result;
    }

    interface Received {
        authorization: string | null;
        body: { status: string; alerts: { status: string; labels: Record<string, string>; startsAt: string }[] };
    }
    async function received(): Promise<Received[]> {
        return (await getJson(`http://127.0.0.1:${RECEIVER_PORT}/received`)).body as Received[];
    }
    /** TargetDown of the application in `status`, begun after the stop (not one from the stack's start-up). */
    const targetDown = (r: Received, status: string) =>
        r.body.alerts.some((a) => a.status === status && a.labels["alertname"] === "TargetDown" && a.labels["service"] === "api" && Date.parse(a.startsAt) >= stoppedAt - 1000);

    before(async function () {
        skipWithoutPlugins(this);
        await h.prepare();
        h.initStack("development");
        h.setConfig("development", "monitoring.prometheus.scrapeIntervalSeconds", String(timers.scrapeSeconds));
        h.setConfig("development", "monitoring.prometheus.evaluationIntervalSeconds", String(timers.evaluationSeconds));
        h.setConfig("development", "monitoring.alerts.forSeconds", String(timers.forSeconds));
        h.setConfig("development", "monitoring.alertmanager.groupWaitSeconds", String(timers.groupWaitSeconds));
        h.setConfig("development", "monitoring.alertmanager.groupIntervalSeconds", String(timers.groupIntervalSeconds));
        h.setConfig("development", "monitoring.alertmanager.webhook.url", `http://${receiver}:8080/alerts`);
        h.pulumi("development", ["config", "set", "--secret", "alertWebhookToken", token]);
    });

    after(async () => {
        // The receiver sits on the stack's network: it goes first, or the network cannot be removed.
        if (h.dockerObjects(receiver).containers.length > 0) docker(["rm", "-f", receiver]);
        await h.cleanUp();
        h.printTimings();
    });

    it("deploys development with ade deploy, verified healthy, with a webhook receiver on its network", async () => {
        const deploy = await h.phase("ade deploy development (cold)", () => h.ade(["deploy", "development", "--skip-tests"], "development"));
        expectExit(deploy, 0);
        expect(deploy.stdout).to.match(/release 0\.1\.0 is running on development and verified healthy/);
        const mirrors = readImageMirrors();
        const image = mirrored("node:22-bookworm-slim", mirrors.ok ? mirrors.mirrors : {});
        docker([
            "run", "-d", "--name", receiver, "--network", `${h.project}-development-public`, "--network-alias", receiver,
            "-p", `127.0.0.1:${RECEIVER_PORT}:8080`, "--entrypoint", "node", image, "-e", RECEIVER_SCRIPT,
        ]);
        await eventually(30, async () => ((await getJson(`http://127.0.0.1:${RECEIVER_PORT}/received`)).status === 200 ? true : undefined));
    });

    it("shows the release, every service healthy, no alerts and no drift in ade status", async () => {
        // Every target scraped at least once, so nothing is pending from the start.
        await eventually(60, async () => {
            const { body } = await getJson(`${prometheus()}/api/v1/targets`);
            const active = (body as { data: { activeTargets: { health: string }[] } }).data.activeTargets;
            return active.length === 6 && active.every((t) => t.health === "up") ? true : undefined;
        });
        const status = expectExit(h.ade(["status", "development"], "development"), 0);
        expect(status.stdout).to.match(/^ {2}release {3}0\.1\.0, verified healthy \(update #1, .*: "release 0\.1\.0"\)$/m);
        for (const service of ["alertmanager", "api", "grafana", "node-exporter", "postgres", "postgres-exporter", "prometheus"]) {
            expect(status.stdout).to.match(new RegExp(`^ {2}ok {3}${service} +running .*healthy`, "m"));
        }
        expect(status.stdout).to.include("alerts\n  none firing\n");
        expect(status.stdout).to.include("drift\n  none: everything is as the last update left it\n");
        const json = JSON.parse(expectExit(h.ade(["status", "development", "--json", "--skip-drift"], "development"), 0).stdout) as { running: { version: string }; services: { value: { service: string }[] } };
        expect(json.running.version).to.equal("0.1.0");
        expect(json.services.value.map((s) => s.service)).to.include.members(["api", "postgres"]);
    });

    it("has the database dashboard's every query return data from the running Prometheus", async () => {
        const grafana = `http://127.0.0.1:${h.port("development", 13000)}`;
        const auth = { Authorization: `Basic ${Buffer.from(`admin:${h.readSecret("development", "grafanaAdminPassword")}`).toString("base64")}` };
        const { status, body } = await getJson(`${grafana}/api/dashboards/uid/ade-database`, auth);
        expect(status).to.equal(200);
        const queries = (body as { dashboard: { panels: { title: string; targets: { expr: string }[] }[] } }).dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
        expect(queries.length).to.be.greaterThan(8);
        for (const q of queries) {
            const series = await eventually(90, async () => {
                const answer = await getJson(`${prometheus()}/api/v1/query?query=${encodeURIComponent(q.expr)}`);
                const result = (answer.body as { data: { result: unknown[] } }).data.result;
                return result.length > 0 ? result.length : undefined;
            });
            expect(series, `${q.panel}: ${q.expr}`).to.be.greaterThan(0);
        }
    });

    it("merges the application's request lines and Postgres's lines in time order in ade logs", async () => {
        for (let i = 0; i < 3; i++) expect((await postJson(`${api()}/visits`)).status).to.equal(200);
        const out = expectExit(h.ade(["logs", "development", "--since", "15m"], "development"), 0);
        const lines = out.stdout.trim().split("\n").map((l) => JSON.parse(l) as { time: string; service: string; level: string | null; msg: string; path?: string });
        const times = lines.map((l) => l.time);
        expect(times).to.deep.equal([...times].sort());
        expect(lines.filter((l) => l.service === "api" && l.msg === "request" && l.path === "/visits")).to.have.length.of.at.least(3);
        const postgres = lines.filter((l) => l.service === "postgres");
        expect(postgres.map((l) => l.msg)).to.include("database system is ready to accept connections");
        expect(postgres.find((l) => l.msg === "database system is ready to accept connections")?.level).to.equal("info");
        const services = new Set(lines.map((l) => l.service));
        expect([...services]).to.include.members(["api", "postgres", "prometheus", "alertmanager"]);

        const warnings = expectExit(h.ade(["logs", "development", "api", "--since", "15m", "--level", "warn"], "development"), 0).stdout.trim();
        const parsed = warnings === "" ? [] : warnings.split("\n").map((l) => JSON.parse(l) as { service: string; level: string });
        expect(parsed.every((l) => l.service === "api" && ["warn", "error", "fatal"].includes(l.level))).to.equal(true);
        expect(expectExit(h.ade(["logs", "development", "nope"], "development"), 1).stderr).to.match(/^ade: stack development has no service "nope" \(services: alertmanager, api, /);
    });

    it("follows new lines with ade logs --follow until interrupted", async () => {
        const child = spawn(process.execPath, [path.join(h.dir, "bin", "ade.js"), "logs", "development", "api", "--follow", "--since", "1s"], {
            cwd: h.dir,
            env: { ...h.env("development"), ADE_PROJECT_DIR: h.dir, CI: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
        await eventually(30, () => Promise.resolve(out.includes('"service":"api"') ? true : undefined));
        for (let i = 0; i < 2; i++) expect((await postJson(`${api()}/visits`)).status).to.equal(200);
        await eventually(30, () => Promise.resolve(out.split("\n").filter((l) => l.includes('"path":"/visits"')).length >= 2 ? true : undefined));
        child.kill("SIGINT");
        expect(await exited).to.equal(0);
        h.transcript.push(out);
    });

    it("reports the application's container stopped by hand in ade drift, exit 2", () => {
        docker(["stop", `${h.project}-development-api`]);
        stoppedAt = Date.now();
        const result = expectExit(h.ade(["drift", "development"], "development"), 2);
        expect(result.stdout).to.equal(
            [
                "stack development drifted: 1 resource changed outside Pulumi since its last update:",
                `  container ${h.project}-development-api: stopped outside Pulumi (mustRun, ports read back different)`,
                "put it back as the code describes it with: ade deploy development",
                "",
            ].join("\n"),
        );
    });

    it("delivers TargetDown to the webhook receiver with the stack's token, within its for window plus an evaluation interval or so", async () => {
        const firing = await eventually(120, async () => (await received()).find((r) => targetDown(r, "firing")));
        const seconds = (Date.now() - stoppedAt) / 1000;
        const bound = timers.scrapeSeconds + timers.forSeconds + timers.evaluationSeconds + timers.groupWaitSeconds;
        process.stdout.write(`      TargetDown reached the receiver ${seconds.toFixed(1)} s after the stop (scrape ${timers.scrapeSeconds} s + for ${timers.forSeconds} s + evaluation ${timers.evaluationSeconds} s + group wait ${timers.groupWaitSeconds} s = ${bound} s)\n`);
        expect(firing.authorization === `Bearer ${token}`, "the receiver got the stack's token as a bearer token").to.equal(true);
        const alert = firing.body.alerts.find((a) => a.labels["alertname"] === "TargetDown");
        expect(alert?.labels).to.include({ service: "api", severity: "critical", stack: "development", environment: "development", project: h.project });
    });

    it("shows the firing alert and the stopped service in ade status", () => {
        const status = expectExit(h.ade(["status", "development", "--skip-drift"], "development"), 0);
        expect(status.stdout).to.match(/^ {2}DOWN api +exited/m);
        expect(status.stdout).to.match(/^ {2}CRITICAL TargetDown api for \d+s: api \(api:8080\) is down$/m);
        expect(status.stdout).to.match(/^ {11}runbook: ade status development shows whether its container runs; /m);
    });

    it("repairs the stack with ade deploy, and the alert resolves", async () => {
        const deploy = await h.phase("ade deploy development (repair)", () => h.ade(["deploy", "development", "--skip-tests"], "development"));
        expectExit(deploy, 0);
        expect(deploy.stdout).to.include(`drift: 1 resource(s) changed outside Pulumi; this deploy puts them back:\n  container ${h.project}-development-api: stopped outside Pulumi`);
        expect(deploy.stdout).to.match(/release 0\.1\.0 is running on development and verified healthy \(update #2: release 0\.1\.0\)/);
        expectExit(h.ade(["drift", "development"], "development"), 0);
        await eventually(120, async () => (await received()).find((r) => targetDown(r, "resolved")));
        const status = await eventually(60, () => {
            const s = h.ade(["status", "development", "--skip-drift"], "development");
            return Promise.resolve(s.stdout.includes("alerts\n  none firing\n") ? s : undefined);
        });
        expect(status.stdout).to.match(/^ {2}ok {3}api +running/m);
    });

    it("never shows the webhook token in docker inspect, container logs, the state, outputs or ade's output", () => {
        const containers = h.dockerObjects(`${h.project}-development-`).containers;
        const haystacks: [string, string][] = [
            ["docker inspect", docker(["inspect", ...containers])],
            ["container logs", containers.map((c) => dockerLogs(c)).join("\n")],
            ["state", listFiles(h.stateDir).map((f) => fs.readFileSync(f, "utf8")).join("\n")],
            ["outputs", h.pulumi("development", ["stack", "output", "--json"]).stdout],
            ["pulumi and ade output", h.transcript.join("\n")],
        ];
        for (const [where, text] of haystacks) expect(text.includes(token), `the token appears in ${where}`).to.equal(false);
        expect(docker(["exec", `${h.project}-development-alertmanager`, "sh", "-c", "ls -ln /run/ade/secrets | tail -n +2 | awk '{print $1, $3\":\"$4, $9}'"])).to.equal("-r-------- 65534:65534 alert-webhook-token");
    });
});

/** A webhook receiver: records each POST (its Authorization header and JSON body) and lists them at GET /received. */
const RECEIVER_SCRIPT = `
const http = require("http");
const received = [];
http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/received") { res.setHeader("content-type", "application/json"); return res.end(JSON.stringify(received)); }
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    try { received.push({ authorization: req.headers.authorization ?? null, body: JSON.parse(body) }); } catch { res.statusCode = 400; }
    res.end();
  });
}).listen(8080);
`;

function listFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(e.parentPath, e.name);
        return e.isDirectory() ? listFiles(full) : [full];
    });
}
