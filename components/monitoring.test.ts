import { expect } from "chai";
import { parse } from "yaml";
import { resourcesOf } from "../tests/inspect";
import { FAKE_SECRETS, RecordingMocks, runProgram, SECRET_SIG, stackFileConfig } from "../tests/mocks";

const CONTAINER = "docker:index/container:Container";

type Inputs = Record<string, unknown>;
interface Upload {
    file: string;
    content: string;
    permissions: string;
}

function container(mocks: RecordingMocks, dockerName: string): Inputs {
    const found = mocks.ofType(CONTAINER).map((r) => r.inputs).find((c) => c["name"] === dockerName);
    if (found === undefined) throw new Error(`no container ${dockerName}`);
    return found;
}

function uploads(c: Inputs): Upload[] {
    const raw = c["uploads"] as { [SECRET_SIG]?: string; value?: unknown } | unknown[];
    return (Array.isArray(raw) ? raw : (raw.value as unknown[])) as Upload[];
}

function upload(mocks: RecordingMocks, dockerName: string, file: string): Upload {
    const found = uploads(container(mocks, dockerName)).find((u) => u.file === file);
    if (found === undefined) throw new Error(`${dockerName} receives no ${file}`);
    return found;
}

function envOf(c: Inputs): Record<string, string> {
    return Object.fromEntries(((c["envs"] as string[] | undefined) ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** development's stack file plus a webhook and its token, as `pulumi config set [--secret]` stores them. */
function developmentWithWebhook(): ReturnType<typeof stackFileConfig> {
    const config = stackFileConfig("development");
    const monitoring = JSON.parse(config.config["ade:monitoring"] ?? "{}") as { alertmanager: Record<string, unknown> };
    monitoring.alertmanager["webhook"] = { url: "https://alerts.example.com/ade/development" };
    config.config["ade:monitoring"] = JSON.stringify(monitoring);
    config.config["ade:alertWebhookToken"] = FAKE_SECRETS["alertWebhookToken"] ?? "";
    config.secretKeys.push("ade:alertWebhookToken");
    return config;
}

describe("monitoring: Alertmanager", () => {
    let withWebhook: RecordingMocks;
    let development: RecordingMocks;
    before(async () => {
        withWebhook = (await runProgram("development", developmentWithWebhook())).mocks;
        development = await resourcesOf("development");
    });

    it("publishes Alertmanager on loopback only, its silences on a volume, with no cluster gossip", () => {
        const am = container(development, "ade-development-alertmanager");
        expect(am["ports"]).to.deep.equal([{ internal: 9093, external: 19093, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(am["command"]).to.deep.equal([
            "--config.file=/run/ade/alertmanager/alertmanager.yml",
            "--storage.path=/alertmanager",
            "--web.listen-address=:9093",
            "--web.external-url=http://127.0.0.1:19093",
            "--cluster.listen-address=",
        ]);
        expect(am["volumes"]).to.deep.include({ volumeName: "ade-development-alertmanager-data", containerPath: "/alertmanager" });
        expect(am["user"]).to.equal("65534:65534");
    });

    it("points Prometheus at the stack's Alertmanager, with the stack as an external label", () => {
        const config = parse(upload(development, "ade-development-prometheus-files", "/stage/prometheus/prometheus.yml").content) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(config["alerting"]).to.deep.equal({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
        expect(config["global"]["external_labels"]).to.deep.equal({ project: "ade", stack: "development", environment: "development" });
    });

    it("sends alerts to the webhook the config names, with the token read from a 0400 secret file, never from the environment", () => {
        const config = parse(upload(withWebhook, "ade-development-alertmanager-files", "/stage/alertmanager/alertmanager.yml").content) as { route: { receiver: string }; receivers: unknown[] };
        expect(config.route.receiver).to.equal("webhook");
        expect(config.receivers[1]).to.deep.equal({
            name: "webhook",
            webhook_configs: [
                {
                    url: "https://alerts.example.com/ade/development",
                    send_resolved: true,
                    http_config: { authorization: { type: "Bearer", credentials_file: "/run/ade/secrets/alert-webhook-token" } },
                },
            ],
        });
        const files = container(withWebhook, "ade-development-alertmanager-files");
        expect(SECRET_SIG in (files["uploads"] as object)).to.equal(true);
        expect(upload(withWebhook, "ade-development-alertmanager-files", "/stage/secrets/alert-webhook-token")).to.deep.equal({
            file: "/stage/secrets/alert-webhook-token",
            content: FAKE_SECRETS["alertWebhookToken"],
            permissions: "0400",
        });
        expect(files["command"]).to.deep.equal(["rm -rf /files/* && cp -a /stage/. /files/ && chown -R 65534:65534 /files"]);
        for (const c of withWebhook.ofType(CONTAINER).map((r) => r.inputs)) {
            for (const value of Object.values(envOf(c))) expect(value, String(c["name"])).not.to.include(FAKE_SECRETS["alertWebhookToken"]);
        }
    });

    it("keeps development's alerts in Prometheus and Alertmanager: no receiver beyond them, no token file", () => {
        const config = parse(upload(development, "ade-development-alertmanager-files", "/stage/alertmanager/alertmanager.yml").content) as { route: { receiver: string }; receivers: unknown[] };
        expect(config.route.receiver).to.equal("alertmanager-only");
        expect(config.receivers).to.deep.equal([{ name: "alertmanager-only" }]);
        expect(uploads(container(development, "ade-development-alertmanager-files")).map((u) => u.file)).to.deep.equal(["/stage/alertmanager/alertmanager.yml"]);
    });

    it("writes rules for the stack's own services: its health endpoint, and a memory limit per service", () => {
        const rules = parse(upload(development, "ade-development-prometheus-files", "/stage/prometheus/rules.yml").content) as {
            groups: { name: string; rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[] }[];
        };
        const limits = rules.groups[0]?.rules.filter((r) => r.record === "ade:memory_limit_bytes").map((r) => [r.labels?.["service"], r.expr]);
        expect(limits).to.deep.equal([
            ["api", `vector(${256 * 1048576})`],
            ["postgres", `vector(${256 * 1048576})`],
            ["prometheus", `vector(${256 * 1048576})`],
            ["alertmanager", `vector(${64 * 1048576})`],
            ["grafana", `vector(${256 * 1048576})`],
            ["postgres-exporter", `vector(${64 * 1048576})`],
            ["node-exporter", `vector(${64 * 1048576})`],
        ]);
        const health = rules.groups[1]?.rules.filter((r) => r.alert === "HealthEndpointFailing");
        expect(health?.map((r) => r.labels)).to.deep.equal([{ severity: "critical", service: "api" }]);
        expect(health?.[0]?.expr).to.include('http_requests_total{service="api",route="/health",status!~"2.."}[60s]');
    });
});

describe("monitoring: exporters", () => {
    let development: RecordingMocks;
    before(async () => {
        development = await resourcesOf("development");
    });

    it("connects the PostgreSQL exporter to the database with the password from a secret file", () => {
        const exporter = container(development, "ade-development-postgres-exporter");
        expect(envOf(exporter)).to.deep.equal({
            DATA_SOURCE_URI: "postgres:5432/ade?sslmode=disable",
            DATA_SOURCE_USER: "ade",
            DATA_SOURCE_PASS_FILE: "/run/ade/secrets/database-password",
            PG_EXPORTER_EXTEND_QUERY_PATH: "/run/ade/postgres-exporter/queries.yml",
        });
        expect((exporter["networksAdvanced"] as { name: string }[]).map((n) => n.name)).to.deep.equal(["ade-development-internal", "ade-development-public"]);
        expect(upload(development, "ade-development-postgres-exporter-files", "/stage/secrets/database-password")).to.deep.equal({
            file: "/stage/secrets/database-password",
            content: FAKE_SECRETS["databasePassword"],
            permissions: "0400",
        });
        const queries = parse(upload(development, "ade-development-postgres-exporter-files", "/stage/postgres-exporter/queries.yml").content) as Record<string, { query: string }>;
        expect(Object.keys(queries)).to.deep.equal(["pg_container_memory"]);
        expect(queries["pg_container_memory"]?.query).to.include("pg_read_file('/sys/fs/cgroup/memory/memory.usage_in_bytes')");
    });

    it("runs the node exporter as nobody on the host's /proc, /sys and / mounted read-only", () => {
        const node = container(development, "ade-development-node-exporter");
        expect(node["volumes"]).to.deep.equal([
            { hostPath: "/proc", containerPath: "/host/proc", readOnly: true },
            { hostPath: "/sys", containerPath: "/host/sys", readOnly: true },
            { hostPath: "/", containerPath: "/host/root", readOnly: true },
        ]);
        expect(node["command"]).to.include.members(["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"]);
        expect(node).to.include({ user: "65534:65534" });
        expect(node["ports"]).to.deep.equal([]);
    });

    it("checks each exporter's health over HTTP, with wget or bash, whichever its image has", () => {
        const test = (container(development, "ade-development-node-exporter")["healthcheck"] as { tests: string[] }).tests;
        expect(test).to.deep.equal([
            "CMD",
            "sh",
            "-c",
            `if command -v wget >/dev/null 2>&1; then exec wget -q -O /dev/null http://127.0.0.1:9100/; fi; exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/9100 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && read -r _ code _ <&3 && [ "$code" = 200 ]'`,
        ]);
    });
});

describe("monitoring of testing, on Docker Swarm", () => {
    let swarm: RecordingMocks;
    before(async () => {
        swarm = await resourcesOf("testing");
    });

    function service(name: string): Inputs {
        const found = swarm.ofType("docker:index/service:Service").map((r) => r.inputs).find((s) => s["name"] === name);
        if (found === undefined) throw new Error(`no service ${name}`);
        return found;
    }
    const containerSpec = (s: Inputs) => (s["taskSpec"] as { containerSpec: Record<string, unknown> }).containerSpec;

    it("runs a node exporter on every node, hardened, with the host's /proc, /sys and / mounted read-only", () => {
        const node = service("ade-testing-node-exporter");
        expect(node["mode"]).to.deep.equal({ global: true });
        expect(containerSpec(node)).to.include({ user: "65534:65534", readOnly: true });
        const mounts = (containerSpec(node)["mounts"] as { type: string }[]).filter((m) => m.type === "bind");
        expect(mounts).to.deep.equal([
            { type: "bind", source: "/proc", target: "/host/proc", readOnly: true },
            { type: "bind", source: "/sys", target: "/host/sys", readOnly: true },
            { type: "bind", source: "/", target: "/host/root", readOnly: true },
        ]);
    });

    it("keeps Alertmanager, with its silences' volume, on the data node, and sends testing's alerts to its webhook", () => {
        const am = service("ade-testing-alertmanager");
        expect(am["mode"]).to.deep.equal({ replicated: { replicas: 1 } });
        expect((am["taskSpec"] as { placement: unknown }).placement).to.deep.equal({ constraints: ["node.labels.ade.data == true"] });
        const config = swarm.ofType("docker:index/serviceConfig:ServiceConfig").find((r) => String(r.inputs["name"]).startsWith("ade-testing-alertmanager-alertmanager.yml-"));
        const yaml = parse(Buffer.from(String(config?.inputs["data"]), "base64").toString("utf8")) as { route: { receiver: string }; receivers: { name: string }[] };
        expect(yaml.route.receiver).to.equal("webhook");
        expect(yaml.receivers.map((r) => r.name)).to.deep.equal(["alertmanager-only", "webhook"]);
    });
});
