import { expect } from "chai";
import { createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { startRequestStream } from "../../bench/client";
import { docker, eventually, getJson, Harness, postJson, RunResult, skipWithoutPlugins } from "./harness";
import { kernelEncryptsOverlay, startProjectSwarm, stopProjectSwarm, SwarmFixture } from "./swarmFixture";

/**
 * Testing and production on a real two-node Docker Swarm, as users run them:
 * a release built once and pushed to a registry, promoted unchanged, deployed
 * with every replica healthy on both nodes behind the entry proxy; version
 * updates, a broken release that Swarm rolls back by itself, a secret rotation
 * and draining a node, each under a steady 50 requests per second through the
 * public entry, without one failed request; rollback by version; destroy.
 *
 * Swarm once broke Docker's embedded DNS on a shared engine: this suite makes
 * its own swarm and leaves the engine as it found it, and must not run beside
 * other suites on the same engine (mocha runs the suites one after another).
 */
describe("testing and production on Docker Swarm, two nodes", function () {
    this.timeout(0);
    const h = new Harness({ name: "swarm", portBase: 4 });
    const REGISTRY_PORT = 14550;
    const prod = (p: number) => `http://127.0.0.1:${h.port("production", p)}`;
    let swarm: SwarmFixture | undefined;
    const releases = new Map<string, string>();

    function ade(args: string[], stack: "development" | "testing" | "production" = "development"): RunResult {
        const result = h.ade(args, stack, { ADE_PASSPHRASE_PRODUCTION: "ade-local-production" });
        expect(result.status, `ade ${args.join(" ")}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).to.equal(0);
        return result;
    }

    /** `ade` beside a request client (under load): the event loop stays free to send its requests. */
    async function adeUnderLoad(args: string[], stack: "testing" | "production"): Promise<RunResult> {
        const result = await h.adeAsync(args, stack, { ADE_PASSPHRASE_PRODUCTION: "ade-local-production" });
        expect(result.status, `ade ${args.join(" ")}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).to.equal(0);
        return result;
    }

    /** Makes release `level`, promotes it through testing to production; returns its version. */
    function releaseAndPromote(level: string, description: string): string {
        const made = ade(["release", level, description, "--no-git"]);
        const version = /^release (\d+\.\d+\.\d+): building/m.exec(made.stdout)?.[1] ?? "";
        expect(version, made.stdout).to.match(/^\d+\.\d+\.\d+$/);
        const record = (JSON.parse(fs.readFileSync(path.join(h.dir, "releases.json"), "utf8")) as { releases: { version: string; images: { digest: string }[] }[] }).releases.find(
            (r) => r.version === version,
        );
        releases.set(version, record?.images[0]?.digest ?? "");
        ade(["promote", "development", "testing", "--yes"], "testing");
        ade(["promote", "testing", "production", "--yes"], "production");
        return version;
    }

    /** The digest every task of the stack's api service runs. */
    function runningDigest(stack: "testing" | "production"): string {
        const image = docker(["service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", `${h.project}-${stack}-api`]);
        return image.slice(image.indexOf("@") + 1);
    }

    /** Runs `fn` under a steady 50 requests per second through production's public entry; returns what the client saw. */
    /**
     * Runs `fn` beside a steady 50 requests per second to production's entry.
     * `report` says what any failed request met, at the client and in the
     * entry proxy's request log, for a failure message to carry.
     */
    async function underLoad<T>(fn: () => Promise<T> | T): Promise<{ value: T; sent: number; failed: number; report: string }> {
        const since = new Date().toISOString();
        const stream = startRequestStream(`${prod(30080)}/`, { intervalMs: 20, timeoutMs: 2000 });
        let value: T;
        try {
            value = await fn();
            // A few more seconds: the old tasks drain and go after the update returns.
            await new Promise((r) => setTimeout(r, 3000));
        } catch (error) {
            await stream.stop(); // a failed step stops its client too, or mocha waits for it
            throw error;
        }
        const result = await stream.stop();
        const report = result.failed === 0 ? "" : `${result.failed} of ${result.sent} requests failed: ${JSON.stringify(result.failures)}\n${proxyFailures(since)}`;
        return { value, sent: result.sent, failed: result.failed, report };
    }

    /** The entry proxy's log lines since `since` for requests that did not answer 200 at once (a status, or a retry). */
    function proxyFailures(since: string): string {
        const log = docker(["logs", "--since", since, `${h.project}-production-proxy`]);
        const unusual = log.split("\n").filter((line) => line.startsWith("{") && !/"status":200,.*"retries":0\}$/.test(line));
        const shown = unusual.slice(0, 12).concat(unusual.length > 24 ? ["…"] : [], unusual.slice(Math.max(12, unusual.length - 12)));
        // Its servers' changes (DNS, checks), timed, without the [WARNING] copies of the same lines.
        const changes = docker(["logs", "--timestamps", "--since", since, `${h.project}-production-proxy`])
            .split("\n")
            .filter((line) => !/^\S+ (\{|\[WARNING\])/.test(line) && /DOWN|UP|no server|changed its IP/.test(line))
            .slice(-40);
        return `entry proxy, ${unusual.length} requests not answered 200 at once:\n${shown.join("\n")}\nentry proxy, its servers' changes:\n${changes.join("\n")}`;
    }

    before(async function () {
        skipWithoutPlugins(this);
        await h.prepare();
        const started = await h.phase("swarm: manager, worker, registry", () => startProjectSwarm(h, REGISTRY_PORT, ["testing", "production"]));
        swarm = started.swarm;
        // As a user makes a manager: ade swarm init.
        expect(started.init).to.include("this node holds the stateful services' volumes (label ade.data=true");
        fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
        // A broken update fails in seconds, not after two minutes.
        for (const stack of ["testing", "production"] as const) h.setConfig(stack, "healthCheck.deadlineSeconds", "60");
        if (started.noEncryption !== undefined) {
            process.stdout.write(`\n  NOTE: this kernel cannot encrypt overlay traffic (${started.noEncryption}): testing and production run here with swarm.encryptedNetworks false\n\n`);
        }
    });

    after(async () => {
        // Whatever failed above, the engine leaves the swarm and loses the worker.
        await stopProjectSwarm(h, swarm);
        h.printTimings();
        const state = docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]);
        if (state !== "inactive") throw new Error(`the engine is still in a swarm (${state}) after the suite`);
    });

    it("releases 1.0.0 once, pushed to the registry, and promotes it unchanged to testing and production", () => {
        const version = releaseAndPromote("major", "First release");
        expect(version).to.equal("1.0.0");
        expect(releases.get("1.0.0")).to.match(/^sha256:[0-9a-f]{64}$/);
        const manifest = docker(["manifest", "inspect", "--insecure", `${swarm?.registry ?? ""}/${h.project}/api:1.0.0`]);
        expect(manifest).to.include("schemaVersion");
    });

    it("deploys testing and production: every replica healthy on both nodes, each running the release's digest", async () => {
        await h.phase("deploy testing 1.0.0", () => ade(["deploy", "testing", "--skip-tests"], "testing"));
        await h.phase("deploy production 1.0.0", () => ade(["deploy", "production", "--skip-tests"], "production"));
        for (const stack of ["testing", "production"] as const) expect(runningDigest(stack), stack).to.equal(releases.get("1.0.0"));
        const nodes = docker(["service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", `${h.project}-production-api`]).split("\n");
        expect(nodes).to.have.length(2);
        expect(new Set(nodes.map((n) => n.split(" ")[0])).size, nodes.join("; ")).to.equal(2);
        for (const n of nodes) expect(n).to.match(/ Running /);
        // The overlay networks are encrypted wherever the kernel can (swarm.encryptedNetworks, on by default).
        const options = docker(["network", "inspect", "--format", "{{json .Options}}", `${h.project}-production-public`]);
        expect(options.includes('"encrypted":"true"'), options).to.equal(kernelEncryptsOverlay().can);
        expect((await getJson(`${prod(30080)}/health`)).body).to.include({ status: "ok", version: "1.0.0" });
    });

    it("publishes only production's entry beyond loopback, keeps its database unpublished and its services hardened", () => {
        const published = docker(["port", `${h.project}-production-proxy`]).split("\n").sort();
        expect(published).to.deep.equal(
            [
                `${h.port("production", 30080)}/tcp -> 0.0.0.0:${h.port("production", 30080)}`,
                `${h.port("production", 30090)}/tcp -> 127.0.0.1:${h.port("production", 30090)}`,
                `${h.port("production", 30093)}/tcp -> 127.0.0.1:${h.port("production", 30093)}`,
                `${h.port("production", 30300)}/tcp -> 127.0.0.1:${h.port("production", 30300)}`,
            ].sort(),
        );
        for (const svc of ["api", "postgres", "prometheus", "grafana", "alertmanager", "postgres-exporter", "node-exporter"]) {
            const spec = docker(["service", "inspect", "--format", "{{json .Spec.TaskTemplate.ContainerSpec}} {{json .Endpoint.Ports}}", `${h.project}-production-${svc}`]);
            expect(spec, svc).to.include('"ReadOnly":true');
            expect(spec, svc).to.include('"CapabilityDrop":["ALL"]');
            expect(spec.endsWith(" null") || spec.endsWith(" []"), `${svc} publishes a port: ${spec}`).to.equal(true);
        }
    });

    it("reads production's secrets from 0400 files owned by the user that reads them", () => {
        const task = docker(["ps", "--quiet", "--filter", `label=com.docker.swarm.service.name=${h.project}-production-api`]).split("\n")[0] ?? "";
        const listing = docker(["exec", task, "sh", "-c", "ls -lnL /run/ade/secrets | tail -n +2 | awk '{print $1, $3\":\"$4, $9}'"]);
        expect(listing).to.equal("-r-------- 1000:1000 app-secret-key\n-r-------- 1000:1000 database-password");
    });

    it("updates production's version under 50 requests per second without one failed request, three times", async () => {
        for (const [run, level] of [[1, "minor"], [2, "minor"], [3, "minor"]] as const) {
            const version = releaseAndPromote(level, `Update ${run}`);
            const { failed, sent, report } = await h.phase(`update production to ${version} under load`, () => underLoad(() => adeUnderLoad(["deploy", "production", "--skip-tests"], "production")));
            expect(failed, `run ${run}: ${report}`).to.equal(0);
            expect(sent).to.be.greaterThan(100);
            expect(runningDigest("production")).to.equal(releases.get(version));
            expect((await getJson(`${prod(30080)}/health`)).body).to.include({ version });
        }
    });

    it("lets Swarm roll a broken release back by itself: ade deploy fails naming the service, the previous release keeps serving", async () => {
        const server = path.join(h.dir, "app", "src", "server.js");
        const source = fs.readFileSync(server, "utf8");
        const running = ((await getJson(`${prod(30080)}/health`)).body as { version: string }).version;
        fs.writeFileSync(server, `process.exit(3); // a release that never starts\n${source}`);
        try {
            const version = releaseAndPromote("minor", "Never starts");
            const { value: deploy, failed, report } = await h.phase("broken release, rolled back by Swarm", () =>
                underLoad(() => h.adeAsync(["deploy", "production", "--skip-tests"], "production", { ADE_PASSPHRASE_PRODUCTION: "ade-local-production" })),
            );
            expect(deploy.status, deploy.stdout).to.equal(1);
            expect(deploy.stderr).to.include(`release ${version} failed on production`);
            // The provider returns once the old tasks run again, sometimes before Swarm calls its rollback completed.
            expect(deploy.stderr, deploy.stderr).to.match(new RegExp(`^${h.project}-production-api: Swarm (rolled|is rolling) its update back`, "m"));
            expect(failed, report).to.equal(0);
            expect((await getJson(`${prod(30080)}/health`)).body).to.include({ version: running });
        } finally {
            fs.writeFileSync(server, source);
        }
    });

    it("shows the releases, the failed one and what was put back in production's history", () => {
        const lines = ade(["history", "production"], "production").stdout.split("\n");
        expect(lines[0]).to.match(/^UPDATE +VERSION +STARTED \(UTC\) +RESULT +HEALTH +MESSAGE$/);
        const rows = lines.slice(1, 4).map((l) => l.split(/ {2,}/));
        expect(rows.map((r) => [r[1], r[3], r[4]])).to.deep.equal([
            ["1.3.0", "succeeded", "verified"],
            ["1.4.0", "failed", "failed"],
            ["1.3.0", "succeeded", "verified"],
        ]);
        expect(rows[1]?.[5]).to.equal("release 1.4.0: Never starts");
    });

    it("refuses a rollback to a release that never verified healthy, changing nothing", async () => {
        const stackFile = fs.readFileSync(path.join(h.dir, "Pulumi.production.yaml"), "utf8");
        const refused = h.ade(["rollback", "production", "--to", "1.4.0"], "production");
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.match(/^ade: release 1\.4\.0 never verified healthy on stack "production" \(its updates: #\d+ failed\); releases that verified healthy: [0-9., ]+; nothing was changed\n$/);
        expect(fs.readFileSync(path.join(h.dir, "Pulumi.production.yaml"), "utf8")).to.equal(stackFile);
        expect((await getJson(`${prod(30080)}/health`)).body).to.include({ version: "1.3.0" });
    });

    it("rotates a secret with no failed request, and the application signs with the new key", async () => {
        const key = `rotated-${Date.now()}-a-long-enough-key`;
        h.pulumi("production", ["config", "set", "--secret", "appSecretKey", key]);
        const { failed, report } = await h.phase("secret rotation under load", () => underLoad(() => adeUnderLoad(["deploy", "production", "--skip-tests"], "production")));
        expect(failed, report).to.equal(0);
        const { count, signature } = (await postJson(`${prod(30080)}/visits`)).body as { count: number; signature: string };
        expect(signature).to.equal(createHmac("sha256", key).update(`visits=${count}`).digest("hex"));
    });

    it("keeps serving while the worker node is drained, without one failed request", async () => {
        const worker = swarm?.workerNode ?? "";
        const api = `${h.project}-production-api`;
        const runningOn = () => docker(["service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", api]).split("\n");
        if (new Set(runningOn().map((n) => n.split(" ")[0])).size < 2) {
            // Start-first updates leave Swarm's spread tied, so both replicas can end on one node; an operator rebalances
            // before a drain (README: Runtimes), as this does.
            docker(["service", "update", "--force", "--detach", api]);
            const until = Date.now() + 120_000;
            while (docker(["service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", api]) !== "completed") {
                if (Date.now() > until) throw new Error(`rebalancing ${api} did not complete: ${runningOn().join("; ")}`);
                await new Promise((r) => setTimeout(r, 1000));
            }
        }
        expect(new Set(runningOn().map((n) => n.split(" ")[0])).size, runningOn().join("; ")).to.equal(2);
        const { failed, report } = await h.phase("drain the worker under load", () =>
            underLoad(async () => {
                docker(["node", "update", "--availability", "drain", worker]);
                const deadline = Date.now() + 120_000;
                for (;;) {
                    const nodes = docker(["service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", `${h.project}-production-api`]).split("\n");
                    if (nodes.length === 2 && nodes.every((n) => !n.startsWith(`${h.project}-worker `) && / Running /.test(n))) return;
                    if (Date.now() > deadline) throw new Error(`tasks did not leave the drained worker: ${nodes.join("; ")}`);
                    await new Promise((r) => setTimeout(r, 1000));
                }
            }),
        );
        docker(["node", "update", "--availability", "active", worker]);
        expect(failed, report).to.equal(0);
    });

    it("rolls production back to 1.0.0 by version: its tasks run 1.0.0's digest again", async () => {
        await h.phase("ade rollback production --to 1.0.0", () => ade(["rollback", "production", "--to", "1.0.0"], "production"));
        expect(runningDigest("production")).to.equal(releases.get("1.0.0"));
        expect((await getJson(`${prod(30080)}/health`)).body).to.include({ version: "1.0.0" });
    });

    it("pulls a released image back from the registry when its local copy is gone", async () => {
        // Stacks run a release by digest (`name:tag@sha256:...`), and Docker keeps an image pulled that way by digest, untagged.
        const pinned = `${swarm?.registry ?? ""}/${h.project}/api@${releases.get("1.3.0") ?? ""}`;
        const id = docker(["image", "inspect", "--format", "{{.Id}}", pinned]);
        // The tasks that ran 1.3.0 before the rollback to 1.0.0 drain (swarm.drainSeconds) before they go; until then they use the image.
        await eventually(90, () => {
            const users = docker(["ps", "--quiet", "--filter", `ancestor=${id}`]);
            if (users !== "") throw new Error(`containers ${users.split("\n").join(", ")} still run ${pinned} after the rollback to 1.0.0`);
            return Promise.resolve(true);
        });
        docker(["image", "rm", "--force", id]);
        expect(() => docker(["image", "inspect", pinned]), "the local copy is still there").to.throw();
        await h.phase("deploy 1.3.0 after its local copy was removed", () => ade(["rollback", "production", "--to", "1.3.0"], "production"));
        expect(docker(["image", "inspect", "--format", "{{.Id}}", pinned])).to.match(/^sha256:/);
        expect(runningDigest("production")).to.equal(releases.get("1.3.0"));
    });

    it("destroys testing and production, leaving only production's data volume", async () => {
        for (const stack of ["testing", "production"] as const) await h.phase(`destroy ${stack}`, () => h.pulumi(stack, ["destroy", "--yes", "--skip-preview"]));
        const left = h.dockerObjects();
        expect(left.containers.filter((c) => !c.startsWith(`${h.project}-worker`) && !c.startsWith(`${h.project}-registry`))).to.deep.equal([]);
        expect(left.volumes.filter((v) => !v.startsWith(`${h.project}-worker`) && !v.startsWith(`${h.project}-registry`))).to.deep.equal([`${h.project}-production-pgdata`]);
        expect(docker(["service", "ls", "--quiet", "--filter", `name=${h.project}-`])).to.equal("");
        docker(["volume", "rm", `${h.project}-production-pgdata`]);
    });
});
