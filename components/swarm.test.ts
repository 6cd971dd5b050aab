import { expect } from "chai";
import { parse } from "yaml";
import {
    CONFIG,
    container,
    containers,
    isSecretValue,
    portsOf,
    resourcesOf,
    SECRET,
    service,
    services,
    spec,
    taskSpec,
    unwrap,
    uploads,
} from "../tests/inspect";
import { FAKE_SECRETS, RecordingMocks } from "../tests/mocks";

/** Services keeping data on a volume: one task, on the data node, stopped before its replacement starts. */
const STATEFUL = ["postgres", "prometheus", "alertmanager", "grafana"];

function envMap(s: Record<string, unknown>): Record<string, string> {
    return (spec(s)["env"] ?? {}) as Record<string, string>;
}

for (const stack of ["testing", "production"] as const) {
    describe(`${stack}, on Docker Swarm`, () => {
        let mocks: RecordingMocks;
        before(async () => {
            mocks = await resourcesOf(stack);
        });
        const name = (s: string) => `ade-${stack}-${s}`;

        it("runs every service as a Swarm service found through DNS, updated task by task and rolled back by Swarm", () => {
            expect(services(mocks).map((s) => s["name"]).sort()).to.deep.equal(
                ["alertmanager", "api", "grafana", "node-exporter", "postgres", "postgres-exporter", "prometheus"].map(name),
            );
            for (const s of services(mocks)) {
                const order = STATEFUL.some((n) => s["name"] === name(n)) ? "stop-first" : "start-first";
                expect(s["endpointSpec"], String(s["name"])).to.deep.equal({ mode: "dnsrr" });
                expect(s["updateConfig"], String(s["name"])).to.deep.equal({ parallelism: 1, order, failureAction: "rollback", monitor: "10s", maxFailureRatio: "0" });
                expect(s["rollbackConfig"], String(s["name"])).to.deep.equal({ parallelism: 1, order, failureAction: "pause", monitor: "10s", maxFailureRatio: "0" });
                // The provider's convergence counts replicated slots; on a global service it fails ("no replica count").
                const converge = s["name"] === name("node-exporter") ? undefined : { delay: "1s", timeout: "5m" };
                expect(s["convergeConfig"], String(s["name"])).to.deep.equal(converge);
                const health = spec(s)["healthcheck"] as { tests: string[]; interval: string };
                expect(health.tests[0], String(s["name"])).to.equal("CMD");
                expect(health.interval, String(s["name"])).to.match(/^\d+s$/);
                // Every field: one left out would show as changed on every update (pulumi-docker #1285).
                expect(taskSpec(s)["restartPolicy"], String(s["name"])).to.deep.equal({ condition: "any", maxAttempts: 0, delay: "5s", window: "0s" });
                // By id: the provider reads networks back as ids (a name would replace the service on every update).
                for (const n of taskSpec(s)["networksAdvanceds"] as { id: string; name?: string }[]) {
                    expect(n.id, String(s["name"])).to.match(/^ade-networks-(public|internal)-id$/);
                    expect(n.name, String(s["name"])).to.equal(undefined);
                }
                const limits = (taskSpec(s)["resources"] as { limits: { memoryBytes: number; nanoCpus: number } }).limits;
                expect(limits.memoryBytes, String(s["name"])).to.be.greaterThan(0);
                expect(limits.nanoCpus, String(s["name"])).to.be.greaterThan(0);
                expect(taskSpec(s)["logDriver"], String(s["name"])).to.deep.equal({ name: "json-file", options: { "max-size": "10m", "max-file": "3" } });
            }
        });

        it("checks the application with a shell probe of /health, and kills a task only after 3 checks in a row fail or take over 5 s", () => {
            const health = spec(service(mocks, name("api")))["healthcheck"] as { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
            // A Node.js process per check timed out on a loaded host, and Swarm killed tasks that served well.
            expect(health.tests.slice(0, 3)).to.deep.equal(["CMD", "sh", "-c"]);
            expect(health.tests[3]).to.include("http://127.0.0.1:8080/health").and.include("/dev/tcp/127.0.0.1/8080").and.not.match(/\bnode\b/);
            expect({ interval: health.interval, timeout: health.timeout, retries: health.retries, startPeriod: health.startPeriod }).to.deep.equal({
                interval: "2s",
                timeout: "5s",
                retries: 3,
                startPeriod: "10s",
            });
        });

        it("runs the application's released image on 2 replicas spread over the nodes, draining each one on stop", () => {
            const api = service(mocks, name("api"));
            expect(spec(api)["image"]).to.equal("ade/api:0.1.0");
            expect(api["mode"]).to.deep.equal({ replicated: { replicas: 2 } });
            expect(taskSpec(api)["placement"]).to.deep.equal({ prefs: ["spread=node.id"] });
            expect(envMap(api)).to.include({ DRAIN_SECONDS: "20" });
            // The drain and the application's own shutdown fit in the grace period.
            expect(spec(api)["stopGracePeriod"]).to.equal("30s");
            expect(mocks.named("ade-images-api").type).to.equal("docker:index/remoteImage:RemoteImage");
        });

        it("keeps each stateful service on the node that holds its volume", () => {
            for (const n of STATEFUL) {
                const s = service(mocks, name(n));
                expect(s["mode"], n).to.deep.equal({ replicated: { replicas: 1 } });
                expect(taskSpec(s)["placement"], n).to.deep.equal({ constraints: ["node.labels.ade.data == true"] });
            }
            const mounts = spec(service(mocks, name("postgres")))["mounts"] as { type: string; source?: string; target: string }[];
            expect(mounts.filter((m) => m.type === "volume")).to.deep.equal([{ type: "volume", source: name("pgdata"), target: "/var/lib/postgresql/data" }]);
        });

        it("delivers secrets as Swarm secrets named by a salted hash of their value, 0400 to the user that reads them", () => {
            const secrets = mocks.ofType(SECRET);
            expect(secrets.map((r) => r.name).sort()).to.deep.equal([
                "ade-api-secret-app-secret-key",
                "ade-api-secret-database-password",
                "ade-database-postgres-secret-database-password",
                "ade-exporters-postgres-exporter-secret-database-password",
                "ade-monitoring-grafana-secret-grafana-admin-password",
            ]);
            for (const r of secrets) {
                expect(String(r.inputs["name"]), r.name).to.match(new RegExp(`^ade-${stack}-[a-z-]+-[0-9a-f]{12}$`));
                expect(isSecretValue(r.inputs["data"]), r.name).to.equal(true);
            }
            const password = secrets.find((r) => r.name === "ade-api-secret-database-password");
            expect(Buffer.from(String(unwrap(password?.inputs["data"])), "base64").toString()).to.equal(FAKE_SECRETS["databasePassword"]);
            const api = service(mocks, name("api"));
            expect((spec(api)["secrets"] as Record<string, unknown>[]).map((s) => [s["fileName"], s["fileUid"], s["fileGid"], s["fileMode"]])).to.deep.equal([
                ["/run/ade/secrets/database-password", "1000", "1000", 0o400],
                ["/run/ade/secrets/app-secret-key", "1000", "1000", 0o400],
            ]);
            expect(envMap(api)).to.include({ DATABASE_PASSWORD_FILE: "/run/ade/secrets/database-password", APP_SECRET_KEY_FILE: "/run/ade/secrets/app-secret-key" });
        });

        it("gives secrets and configs only labels a release does not change (they are immutable: a changed label replaces one under the same name, which Docker refuses)", () => {
            for (const r of [...mocks.ofType(SECRET), ...mocks.ofType(CONFIG)]) {
                const labels = (r.inputs["labels"] as { label: string; value: string }[]).map((l) => l.label).sort();
                expect(labels, r.name).to.deep.equal(["ade.environment", "ade.project", "ade.service", "ade.stack"]);
            }
            // While the service itself carries its release.
            expect((service(mocks, name("api"))["labels"] as { label: string }[]).map((l) => l.label)).to.include("ade.version");
        });

        it("names the same secret value differently in another stack (the hash is salted by the stack)", async () => {
            const other = await resourcesOf(stack === "testing" ? "production" : "testing");
            const hash = (m: RecordingMocks) => String(m.ofType(SECRET).find((r) => r.name === "ade-api-secret-database-password")?.inputs["name"]).slice(-12);
            // The mocks give both stacks the same password.
            expect(hash(mocks)).to.match(/^[0-9a-f]{12}$/);
            expect(hash(mocks)).not.to.equal(hash(other));
        });

        it("delivers configuration as Swarm configs, read-only, and lets Prometheus find every replica through DNS", () => {
            const prometheus = service(mocks, name("prometheus"));
            const configs = spec(prometheus)["configs"] as Record<string, unknown>[];
            expect(configs.map((c) => [c["fileName"], c["fileMode"]])).to.deep.equal([
                ["/run/ade/prometheus/prometheus.yml", 0o444],
                ["/run/ade/prometheus/rules.yml", 0o444],
            ]);
            const file = mocks.ofType(CONFIG).find((r) => r.name === "ade-monitoring-prometheus-config-prometheus.yml");
            const config = parse(Buffer.from(String(file?.inputs["data"]), "base64").toString()) as { scrape_configs: Record<string, unknown>[] };
            expect(config.scrape_configs.find((j) => j["job_name"] === "api")).to.deep.include({
                dns_sd_configs: [{ names: ["tasks.api"], type: "A", port: 8080, refresh_interval: "5s" }],
            });
            expect(config.scrape_configs.find((j) => j["job_name"] === "proxy")).to.deep.include({ static_configs: [{ targets: ["proxy:8405"], labels: { service: "proxy" } }] });
        });

        it("publishes every host port through one HAProxy entry that finds the tasks through DNS", () => {
            const proxy = container(mocks, name("proxy"));
            const cfg = uploads(container(mocks, name("proxy-files"))).find((u) => u.file === "/stage/haproxy/haproxy.cfg")?.content ?? "";
            for (const [svc, port] of [["api", 8080], ["prometheus", 9090], ["grafana", 3000], ["alertmanager", 9093]] as const) expect(cfg).to.include(`  server-template task 6 tasks.${svc}:${port}\n`);
            // Each backend checks a path that answers 200 when ready (Prometheus's `/` is a redirect, which would take every task out).
            const checks = [...cfg.matchAll(/^backend (\S+)\n(?:.*\n)*? {2}option httpchk GET (\S+)$/gm)].map((m) => [m[1], m[2]]);
            // The application's live tasks (its health path) take requests when none is ready.
            expect(Object.fromEntries(checks)).to.deep.equal({ api: "/ready", api_live: "/health", prometheus: "/-/ready", grafana: "/api/health", alertmanager: "/-/ready" });
            expect(proxy["stopSignal"]).to.equal("SIGUSR1");
            const published = portsOf(proxy).map((p) => [p.ip, p.external]);
            const api = stack === "production" ? ["0.0.0.0", 30080] : ["127.0.0.1", 28080];
            const rest = stack === "production" ? [30093, 30090, 30300] : [29093, 29090, 23000];
            expect(published).to.deep.equal([api, ...rest.map((port) => ["127.0.0.1", port])]);
            // No service publishes a port of its own (Swarm's publishing binds every address).
            for (const s of services(mocks)) expect(s["endpointSpec"]).to.deep.equal({ mode: "dnsrr" });
        });

        it("hardens every service and the entry: read-only root, no capabilities, non-root", () => {
            for (const s of services(mocks)) {
                expect(spec(s)["readOnly"], String(s["name"])).to.equal(true);
                expect(spec(s)["capDrops"], String(s["name"])).to.deep.equal(["ALL"]);
                expect(spec(s)["user"], String(s["name"])).to.match(/^[1-9][0-9]*:[0-9]+$/);
            }
            for (const c of containers(mocks)) {
                expect(c["readOnly"], String(c["name"])).to.equal(true);
                expect(c["securityOpts"], String(c["name"])).to.deep.equal(["no-new-privileges:true"]);
            }
        });

        it("isolates the database: internal network only, no host port, no admin tool", () => {
            const nets = taskSpec(service(mocks, name("postgres")))["networksAdvanceds"] as { id: string }[];
            expect(nets.map((n) => n.id)).to.deep.equal(["ade-networks-internal-id"]);
            expect(services(mocks).map((s) => s["name"])).not.to.include(name("dbadmin"));
            expect(envMap(service(mocks, name("api")))).to.include({ LOG_LEVEL: "info", DEBUG_ENDPOINTS: "false" });
        });
    });
}

describe("production, on Docker Swarm", () => {
    let mocks: RecordingMocks;
    before(async () => {
        mocks = await resourcesOf("production");
    });

    it("backs the database up before every change to it, finding its task by labels, with retention", () => {
        const backup = mocks.named("ade-database-backup").inputs;
        expect(backup["create"]).to.match(/^bash ".*components\/db-backup\.sh"$/);
        const env = backup["environment"] as Record<string, string>;
        expect(env).to.include({
            ADE_DB_LABELS: "ade.project=ade ade.stack=production ade.service=postgres",
            ADE_BACKUP_NAME: "ade-production-postgres",
            ADE_DB_NAME: "ade",
            ADE_DB_USER: "ade",
            ADE_BACKUP_RETENTION: "14",
        });
        expect(env["ADE_BACKUP_DIR"]).to.match(/\/backups\/production$/);
        expect(isSecretValue(backup["triggers"])).to.equal(true);
        // A task's container carries the service's labels, which the backup finds it by.
        expect(spec(service(mocks, "ade-production-postgres"))["labels"]).to.deep.include({ label: "ade.service", value: "postgres" });
    });

    it("keeps Grafana closed to anonymous visitors", () => {
        expect(envMap(service(mocks, "ade-production-grafana"))["GF_AUTH_ANONYMOUS_ENABLED"]).to.equal("false");
    });
});
