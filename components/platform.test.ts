import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    COMMAND,
    CONTAINER,
    container,
    containers,
    envOf,
    fileDeliverers,
    isSecretValue,
    labelsOf,
    NETWORK,
    networksOf,
    portsOf,
    REMOTE_IMAGE,
    resourcesOf,
    SECRET,
    SERVICE,
    STACKS,
    uploads,
    VOLUME,
    volumesOf,
} from "../tests/inspect";
import { FAKE_SECRETS, fakeImageId, RecordedResource, RecordingMocks, runProgram, stackFileConfig, valueOf } from "../tests/mocks";

const stacks = STACKS;

describe("every stack", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            let mocks: RecordingMocks;
            before(async () => {
                mocks = await resourcesOf(stack);
            });

            it("prefixes every Docker name with the project and stack", () => {
                const named = [CONTAINER, SERVICE, NETWORK, VOLUME, SECRET, "docker:index/serviceConfig:ServiceConfig"].flatMap((t) => mocks.ofType(t));
                expect(named.length).to.be.greaterThan(5);
                for (const r of named) expect(r.inputs["name"], r.name).to.match(new RegExp(`^ade-${stack}-[a-z0-9.-]+$`));
            });

            it("declares a public network and an internal one, overlay, attachable and encrypted on Swarm", () => {
                const swarm = stack !== "development";
                const nets = mocks.ofType(NETWORK).map((n) => [n.inputs["name"], n.inputs["driver"], n.inputs["internal"], n.inputs["attachable"], n.inputs["options"]]);
                const encrypted = swarm ? { encrypted: "true" } : undefined;
                expect(nets).to.deep.equal([
                    [`ade-${stack}-public`, swarm ? "overlay" : "bridge", false, swarm ? true : undefined, encrypted],
                    [`ade-${stack}-internal`, swarm ? "overlay" : "bridge", true, swarm ? true : undefined, encrypted],
                ]);
            });

            it("never puts a secret in an environment variable or a plain input", () => {
                const plain = JSON.stringify(
                    mocks.resources.map((r) => Object.fromEntries(Object.entries(r.inputs).filter(([, v]) => !isSecretValue(v)))),
                );
                for (const [key, value] of Object.entries(FAKE_SECRETS)) expect(plain.includes(value), key).to.equal(false);
            });









            it("probes every service's health and readiness, and Prometheus's scrape targets, after the update", () => {
                const probe = mocks.named("ade-health-probe").inputs;
                const env = probe["environment"] as Record<string, string>;
                const targets = JSON.parse(env["ADE_HEALTH_TARGETS"] ?? "[]") as { name: string; url: string; kind?: string }[];
                const api = { development: 18080, testing: 28080, production: 30080 }[stack];
                const prom = { development: 19090, testing: 29090, production: 30090 }[stack];
                expect(targets.slice(0, 6)).to.deep.equal([
                    { name: "api", url: `http://127.0.0.1:${api}/health` },
                    { name: "api (ready)", url: `http://127.0.0.1:${api}/ready` },
                    { name: "prometheus", url: `http://127.0.0.1:${prom}/-/healthy` },
                    { name: "alertmanager", url: `http://127.0.0.1:${{ development: 19093, testing: 29093, production: 30093 }[stack]}/-/healthy` },
                    { name: "grafana", url: `http://127.0.0.1:${{ development: 13000, testing: 23000, production: 30300 }[stack]}/api/health` },
                    { name: "scrape targets", url: `http://127.0.0.1:${prom}/api/v1/targets`, kind: "prometheus-targets" },
                ]);
                expect(targets.map((t) => t.name).includes("dbadmin")).to.equal(stack === "development");
                expect(probe["create"]).to.match(/^node ".*monitoring\/healthProbe\.js"$/);
                // Whatever runs the services, any change to one re-runs the verification.
                expect((probe["triggers"] as string[]).length).to.equal(stack === "development" ? 7 : 8);
            });
        });
    }
});

describe("development, on plain containers", () => {
    let mocks: RecordingMocks;
    before(async () => {
        mocks = await resourcesOf("development");
    });

    it("limits, rotates logs, restarts, labels and healthchecks every container", () => {
        for (const c of containers(mocks)) {
            const name = String(c["name"]);
            expect(c["memory"], name).to.be.a("number").greaterThan(0);
            expect(Number(c["cpus"]), name).to.be.greaterThan(0);
            expect(c["logDriver"], name).to.equal("json-file");
            expect(c["logOpts"], name).to.deep.equal({ "max-size": "10m", "max-file": "3" });
            expect(c["restart"], name).to.equal("unless-stopped");
            // Application services are waited for by the health verification instead.
            expect(c["wait"], name).to.equal(name !== "ade-development-api");
            expect((c["healthcheck"] as { tests: string[] }).tests[0], name).to.equal("CMD");
            const labels = labelsOf(c);
            expect(labels, name).to.include({ "ade.project": "ade", "ade.stack": "development", "ade.environment": "development" });
            expect(labels["ade.service"], name).to.be.a("string");
        }
    });

    it("delivers secrets as files and never as environment variables", () => {
        const secretValues = Object.values(FAKE_SECRETS);
        for (const c of mocks.ofType(CONTAINER).map((r) => r.inputs)) {
            for (const e of (c["envs"] as string[] | undefined) ?? []) {
                for (const s of secretValues) expect(e, String(c["name"])).not.to.include(s);
            }
        }
        for (const c of containers(mocks)) expect(c["uploads"], String(c["name"])).to.equal(undefined);
        const apiFiles = container(mocks, `ade-development-api-files`);
        expect(isSecretValue(apiFiles["uploads"])).to.equal(true);
        expect(uploads(apiFiles)).to.deep.equal([
            { file: "/stage/secrets/database-password", content: FAKE_SECRETS["databasePassword"], permissions: "0400" },
            { file: "/stage/secrets/app-secret-key", content: FAKE_SECRETS["appSecretKey"], permissions: "0400" },
        ]);
        expect(envOf(container(mocks, `ade-development-api`))).to.include({
            DATABASE_PASSWORD_FILE: "/run/ade/secrets/database-password",
            APP_SECRET_KEY_FILE: "/run/ade/secrets/app-secret-key",
            DATABASE_HOST: "postgres",
        });
        const pgFiles = container(mocks, `ade-development-postgres-files`);
        expect(uploads(pgFiles)).to.deep.equal([
            { file: "/stage/secrets/database-password", content: FAKE_SECRETS["databasePassword"], permissions: "0400" },
        ]);
        expect(envOf(container(mocks, `ade-development-postgres`))["POSTGRES_PASSWORD_FILE"]).to.equal("/run/ade/secrets/database-password");
        const grafanaFiles = container(mocks, `ade-development-grafana-files`);
        expect(isSecretValue(grafanaFiles["uploads"])).to.equal(true);
        expect(uploads(grafanaFiles).map((u) => [u.file, u.permissions])).to.deep.equal([
            ["/stage/grafana/provisioning/datasources/prometheus.yaml", "0444"],
            ["/stage/grafana/provisioning/dashboards/ade.yaml", "0444"],
            ["/stage/grafana/dashboards/platform.json", "0444"],
            ["/stage/grafana/dashboards/database.json", "0444"],
            ["/stage/grafana/dashboards/host.json", "0444"],
            ["/stage/secrets/grafana-admin-password", "0400"],
        ]);
        expect(envOf(container(mocks, `ade-development-grafana`))["GF_SECURITY_ADMIN_PASSWORD__FILE"]).to.equal("/run/ade/secrets/grafana-admin-password");
    });

    it("copies each service's files onto a volume owned by the user that reads them, mounted read-only", () => {
        const owners: Record<string, string> = {
            api: "1000:1000",
            postgres: "999:999",
            prometheus: "65534:65534",
            alertmanager: "65534:65534",
            grafana: "472:0",
            "postgres-exporter": "65534:65534",
        };
        expect(fileDeliverers(mocks).map((c) => c["name"]).sort()).to.deep.equal(
            ["alertmanager", "api", "grafana", "postgres-exporter", "postgres", "prometheus"].map((n) => `ade-development-${n}-files`),
        );
        for (const [service, owner] of Object.entries(owners)) {
            const init = container(mocks, `ade-development-${service}-files`);
            expect(init["entrypoints"]).to.deep.equal(["/bin/sh", "-c"]);
            expect(init["command"]).to.deep.equal([`rm -rf /files/* && cp -a /stage/. /files/ && chown -R ${owner} /files`]);
            expect(init).to.include({ user: "0:0", networkMode: "none", attach: true, mustRun: false, restart: "no" });
            expect(volumesOf(init)).to.deep.equal([{ volumeName: `ade-development-${service}-files`, containerPath: "/files" }]);
            const main = container(mocks, `ade-development-${service}`);
            expect(volumesOf(main)).to.deep.include({ volumeName: `ade-development-${service}-files`, containerPath: "/run/ade", readOnly: true });
            const labels = (main["labels"] as { label: string; value: string }[]).filter((l) => l.label === "ade.files");
            const component = { api: "api", postgres: "database-postgres", "postgres-exporter": "exporters-postgres-exporter" }[service] ?? `monitoring-${service}`;
            expect(labels).to.deep.equal([{ label: "ade.files", value: `ade-${component}-files-init-id` }]);
        }
    });

    it("builds the application image from app/ tagged with the release version, and runs it by id", () => {
        const image = mocks.named("ade-images-api").inputs;
        expect(image["imageName"]).to.equal("ade/api:0.1.0-dev");
        expect(image["skipPush"]).to.equal(true);
        const build = image["build"] as { context: string; args: Record<string, string> };
        expect(build.context).to.match(/\/app$/);
        expect(build.args).to.deep.equal({ BASE_IMAGE: "node:22-bookworm-slim", APP_VERSION: "0.1.0" });
        expect(container(mocks, `ade-development-api`)["image"]).to.equal(fakeImageId("ade/api:0.1.0-dev"));
    });

    it("copies the application's files with PostgreSQL's image, which a new version leaves as it is: an update replaces only the container", () => {
        expect(container(mocks, `ade-development-api-files`)["image"]).to.equal(fakeImageId("postgres:15.8-bookworm"));
    });

    it("pulls or finds every prebuilt image before the containers that run it, and keeps it on destroy", () => {
        const pulled = mocks.ofType(REMOTE_IMAGE).map((r) => [r.name, r.inputs["name"], r.inputs["keepLocally"]]);
        expect(pulled).to.deep.equal([
            ["ade-images-appBase", "node:22-bookworm-slim", true],
            ["ade-images-postgres", "postgres:15.8-bookworm", true],
            ["ade-images-prometheus", "prom/prometheus:v2.53.2", true],
            ["ade-images-grafana", "grafana/grafana:11.2.2", true],
            ["ade-images-dbAdmin", "adminer:4.8.1", true],
            ["ade-images-alertmanager", "prom/alertmanager:v0.25.0", true],
            ["ade-images-postgresExporter", "quay.io/prometheuscommunity/postgres-exporter:v0.11.1", true],
            ["ade-images-nodeExporter", "prom/node-exporter:v1.5.0", true],
        ]);
        expect(container(mocks, `ade-development-postgres`)["image"]).to.equal(fakeImageId("postgres:15.8-bookworm"));
        expect(container(mocks, `ade-development-grafana`)["image"]).to.equal(fakeImageId("grafana/grafana:11.2.2"));
    });

    it("never allows swap beyond the memory limit, and stops containers gracefully", () => {
        for (const c of containers(mocks)) {
            expect(c["memorySwap"], String(c["name"])).to.equal(c["memory"]);
            expect(c["destroyGraceSeconds"], String(c["name"])).to.equal(10);
        }
    });

    it("labels each container with a hash of the settings the provider would not apply in place", () => {
        const hashes = containers(mocks).map((c) => (c["labels"] as { label: string; value: string }[]).find((l) => l.label === "ade.settings")?.value);
        for (const hash of hashes) expect(hash).to.match(/^[0-9a-f]{16}$/);
        // The application's healthcheck differs from the others', so its label does too.
        expect(new Set(hashes).size).to.be.greaterThan(1);
    });

    it("keeps the database on the internal network", () => {
        expect(networksOf(container(mocks, `ade-development-postgres`))).to.include(`ade-development-internal`);
        expect(networksOf(container(mocks, `ade-development-api`))).to.deep.equal([`ade-development-public`, `ade-development-internal`]);
    });

    it("publishes the database on loopback for debugging", () => {
        const pg = container(mocks, "ade-development-postgres");
        expect(portsOf(pg)).to.deep.equal([{ internal: 5432, external: 15432, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(networksOf(pg)).to.deep.equal(["ade-development-internal", "ade-development-public"]);
    });

    it("turns on debug logging and debug endpoints in the application", () => {
        expect(envOf(container(mocks, "ade-development-api"))).to.include({ LOG_LEVEL: "debug", DEBUG_ENDPOINTS: "true", ADE_ENVIRONMENT: "development" });
    });

    it("runs the database admin tool on loopback", () => {
        const admin = container(mocks, "ade-development-dbadmin");
        expect(admin["image"]).to.equal(fakeImageId("adminer:4.8.1"));
        expect(portsOf(admin)).to.deep.equal([{ internal: 8080, external: 18081, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(envOf(admin)).to.deep.equal({ ADMINER_DEFAULT_SERVER: "postgres" });
    });

    it("lets anonymous visitors view Grafana", () => {
        expect(envOf(container(mocks, "ade-development-grafana"))["GF_AUTH_ANONYMOUS_ENABLED"]).to.equal("true");
    });

    it("does not harden containers or take backups", () => {
        for (const c of containers(mocks)) expect(c["readOnly"], String(c["name"])).to.equal(false);
        expect(mocks.ofType(COMMAND).map((r) => r.name)).to.deep.equal(["ade-health-probe"]);
    });
});


describe("three stacks on one Docker host", () => {
    it("share no container name, network name or host port", async () => {
        const all: RecordedResource[] = [];
        for (const stack of stacks) all.push(...(await resourcesOf(stack)).resources);
        // Containers, networks and volumes are separate namespaces in Docker.
        for (const type of [CONTAINER, SERVICE, NETWORK, VOLUME, SECRET]) {
            const dockerNames = all.filter((r) => r.type === type).map((r) => r.inputs["name"]);
            expect(dockerNames.length, type).to.be.greaterThan(type === SERVICE || type === SECRET ? 4 : 5);
            expect(new Set(dockerNames).size, type).to.equal(dockerNames.length);
        }
        const hostPorts = all.filter((r) => r.type === CONTAINER).flatMap((r) => portsOf(r.inputs).map((p) => p.external));
        expect(hostPorts.length).to.be.greaterThan(9);
        expect(new Set(hostPorts).size).to.equal(hostPorts.length);
    });
});

describe("images on this machine", () => {
    it("runs the machine's mirror of an image the config names, everywhere the image is used", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-mirrors-"));
        const file = path.join(dir, "image-mirrors.json");
        fs.writeFileSync(file, JSON.stringify({ version: 1, mirrors: { "postgres:15.8-bookworm": "ade-local/postgres:15-1", "node:22-bookworm-slim": "ade-local/node:18-1" } }));
        try {
            const { mocks, outputs } = await runProgram("development", undefined, undefined, undefined, file);
            expect(mocks.named("ade-images-postgres").inputs["name"]).to.equal("ade-local/postgres:15-1");
            expect(container(mocks, "ade-development-postgres")["image"]).to.equal(fakeImageId("ade-local/postgres:15-1"));
            expect((mocks.named("ade-images-api").inputs["build"] as { args: Record<string, string> }).args["BASE_IMAGE"]).to.equal("ade-local/node:18-1");
            expect(await valueOf(outputs["images"] as pulumi.Output<Record<string, string>>)).to.include({
                "images.postgres": "ade-local/postgres:15-1",
                "images.prometheus": "prom/prometheus:v2.53.2",
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses, naming each image and its config key, when an image can be had neither locally nor from its registry", async () => {
        const mocks = new RecordingMocks(new Set(["postgres:15.8-bookworm", "adminer:4.8.1"]));
        let failure: unknown;
        try {
            await runProgram("development", undefined, undefined, mocks);
        } catch (error) {
            failure = error;
        }
        expect(String((failure as Error | undefined)?.message)).to.equal(
            [
                'Stack "development" names images that cannot be had:',
                "  images.postgres: image postgres:15.8-bookworm cannot be had: it is not on this Docker host and its registry answered: Got bad response from registry: 404 Not Found; pull or build it, or name an image that exists (pulumi config set --path images.postgres <image>)",
                "  images.dbAdmin: image adminer:4.8.1 cannot be had: it is not on this Docker host and its registry answered: Got bad response from registry: 404 Not Found; pull or build it, or name an image that exists (pulumi config set --path images.dbAdmin <image>)",
            ].join("\n"),
        );
        expect(mocks.ofType(CONTAINER)).to.deep.equal([]);
    });

    it("refuses a broken mirror file with the file named and the fix", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-mirrors-"));
        const file = path.join(dir, "image-mirrors.json");
        fs.writeFileSync(file, '{"version": 2, "mirrors": {}}');
        try {
            let failure: unknown;
            await runProgram("testing", undefined, undefined, undefined, file).catch((e: unknown) => (failure = e));
            expect(String((failure as Error | undefined)?.message)).to.equal(`${file}: version must be 1; run toolchain/build-images.sh to write it again`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("a Swarm stack whose nodes' kernels cannot encrypt (swarm.encryptedNetworks: false)", () => {
    it("declares its overlay networks without options", async () => {
        const config = stackFileConfig("testing");
        const swarm = JSON.parse(config.config["ade:swarm"] ?? "{}") as Record<string, unknown>;
        config.config["ade:swarm"] = JSON.stringify({ ...swarm, encryptedNetworks: false });
        const { mocks } = await runProgram("testing", config);
        const nets = mocks.ofType(NETWORK).map((n) => [n.inputs["name"], n.inputs["driver"], n.inputs["options"]]);
        expect(nets).to.deep.equal([
            ["ade-testing-public", "overlay", undefined],
            ["ade-testing-internal", "overlay", undefined],
        ]);
    });
});
