import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { docker, pluginsAreStandins, skipWithoutPlugins } from "./harness";
import { EXPECTATIONS, Expectation } from "./fidelity.expectations";
import { BASE, changes, ChangeSettings, invoke, missing, readBack, tagged } from "./fidelity.programs";
import { expectFailure, FidelityWorkspace, Plan, PREFIX, ScenarioStack } from "./fidelity.workspace";

/**
 * Checks the docker and command plugins installed here against what the real
 * pulumi-resource-docker 5.0.0 and pulumi-resource-command 1.2.1 do (written
 * down, with sources, in fidelity.expectations.ts), by running the real Pulumi
 * engine on small programs against the real Docker daemon. On this project's
 * build machines those plugins are the STAND-INS of toolchain/standin-providers.
 */
describe("plugin fidelity: the installed docker/command plugins behave as the real ones", function () {
    let ws: FidelityWorkspace;
    let contextDir: string;

    before(function () {
        skipWithoutPlugins(this);
        const which = pluginsAreStandins() ? "the project's STAND-IN plugins (toolchain/standin-providers)" : "the REAL plugins";
        process.stdout.write(`\n  FIDELITY: this suite checks ${which} against what the real pulumi-resource-docker 5.0.0 and pulumi-resource-command 1.2.1 do (tests/e2e/fidelity.expectations.ts).\n\n`);
        if (docker(["images", "-q", BASE]) === "") throw new Error(`image ${BASE} is missing: build it with bash toolchain/build-images.sh`);
        ws = new FidelityWorkspace();
        contextDir = path.join(ws.dir, "app");
        fs.mkdirSync(contextDir);
        fs.writeFileSync(path.join(contextDir, "Dockerfile"), `FROM ${BASE}\nARG VERSION\nRUN echo "$VERSION" > /version\n`);
    });

    after(async () => {
        await ws?.cleanUp();
        for (const image of docker(["images", "--format", "{{.Repository}}:{{.Tag}}", `${PREFIX}/*`]).split("\n").filter((i) => i !== "")) docker(["rmi", image]);
    });

    /** The plan must be the expected one, resource by resource, and name its source when it is not. */
    function expectPlan(actual: Plan, e: Expectation): void {
        expect(actual, `${e.behaviour}\n      source: ${e.source}`).to.deep.equal(e.plan);
    }

    async function expectReadBack(stack: ScenarioStack, e: Expectation): Promise<Record<string, Record<string, unknown>>> {
        const outputs = await stack.outputs();
        for (const [name, values] of Object.entries(e.readBack ?? {})) {
            for (const [key, value] of Object.entries(values)) expect(outputs[name]?.[key] ?? null, `${name}.${key}: ${e.behaviour}\n      source: ${e.source}`).to.deep.equal(value);
        }
        return outputs;
    }

    const inspect = (name: string, format: string) => docker(["inspect", "--format", format, name]);

    describe("read-back: create, preview, refresh and preview --refresh", () => {
        let stack: ScenarioStack;

        it("creates every type and stores what Docker reports", async () => {
            stack = await ws.stack("read-back", readBack(contextDir));
            const { plan, outputs } = await stack.up();
            expectPlan(plan, EXPECTATIONS.readBackCreate);
            const stored = await expectReadBack(stack, EXPECTATIONS.readBackCreate);
            expect(outputs["imgDigest"]).to.equal(docker(["image", "inspect", "--format", "{{.Id}}", `${PREFIX}/rb-app:1`]));
            expect(outputs["svcImage"], "a container given an image ID reads it back unchanged").to.equal(outputs["imgDigest"]);
            expect(stored["base"]?.["imageId"]).to.equal(docker(["image", "inspect", "--format", "{{.Id}}", BASE]));
            expect(inspect(`${PREFIX}-rb-mem-only`, "{{.HostConfig.MemorySwap}}")).to.equal(String(128 * 1024 * 1024));
            expect(docker(["exec", `${PREFIX}-rb-svc`, "stat", "-c", "%a %u %n", "/run/ade/config.txt", "/run/ade/secret"]).split("\n")).to.deep.equal(["444 1000 /run/ade/config.txt", "400 1000 /run/ade/secret"]);
        });

        it("previews no change where the inputs match the read-back, and the real provider's drift where they do not", async () => {
            expectPlan(await stack.preview(), EXPECTATIONS.readBackPreview);
        });

        it("plans the same after pulumi refresh and with preview --refresh", async () => {
            await stack.refresh();
            expectPlan(await stack.preview(), EXPECTATIONS.readBackRefresh);
            expectPlan(await stack.preview(true), EXPECTATIONS.readBackRefresh);
        });

        it("updates memorySwap away in state only: clean until the next refresh reads Docker's value back", async () => {
            const before = inspect(`${PREFIX}-rb-mem-only`, "{{.Id}}");
            await stack.up();
            expect(inspect(`${PREFIX}-rb-mem-only`, "{{.Id}} {{.HostConfig.MemorySwap}}")).to.equal(`${before} ${128 * 1024 * 1024}`);
            expectPlan(await stack.preview(), EXPECTATIONS.readBackAfterUpdate);
            await stack.refresh();
            expectPlan(await stack.preview(), EXPECTATIONS.readBackRefresh);
        });
    });

    describe("changes: update in place or replace", () => {
        const settings: ChangeSettings = { version: "1", memory: 64, restart: "unless-stopped", env: "A=1", interval: "1s", commandEnv: "1", trigger: "1", label: "1" };
        const app = `${PREFIX}-ch-app`;
        let stack: ScenarioStack;

        before(async () => {
            stack = await ws.stack("changes", changes(contextDir, settings));
            await stack.up();
        });

        it("updates the Image in place for a new version and replaces the container that runs it", async () => {
            const before = inspect(app, "{{.Id}}");
            Object.assign(settings, { version: "2" });
            expectPlan(await stack.preview(), EXPECTATIONS.imageVersion);
            expectPlan((await stack.up()).plan, EXPECTATIONS.imageVersion);
            expect(inspect(app, "{{.Id}}")).to.not.equal(before);
            expect(inspect(app, "{{.Image}}")).to.equal(docker(["image", "inspect", "--format", "{{.Id}}", `${PREFIX}/ch-app:2`]));
        });

        it("updates memory, memorySwap and the restart policy of the running container", async () => {
            const before = inspect(app, "{{.Id}}");
            Object.assign(settings, { memory: 96, restart: "always" });
            expectPlan(await stack.preview(), EXPECTATIONS.containerLimits);
            await stack.up();
            expect(inspect(app, "{{.Id}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.RestartPolicy.Name}}")).to.equal(`${before} ${96 * 1024 * 1024} ${96 * 1024 * 1024} always`);
        });

        it("replaces the container for a ForceNew change (envs)", async () => {
            const before = inspect(app, "{{.Id}}");
            Object.assign(settings, { env: "A=2" });
            expectPlan(await stack.preview(), EXPECTATIONS.containerEnv);
            await stack.up();
            expect(inspect(app, "{{.Id}} {{json .Config.Env}}")).to.match(new RegExp(`^(?!${before})\\S+ .*"A=2"`));
        });

        it("records a healthcheck change without applying it, so it comes back after a refresh", async () => {
            const before = inspect(app, "{{.Id}}");
            Object.assign(settings, { interval: "2s" });
            expectPlan(await stack.preview(), EXPECTATIONS.containerHealthcheck);
            await stack.up();
            expect(inspect(app, "{{.Id}} {{.Config.Healthcheck.Interval}}")).to.equal(`${before} 1000000000`);
            await stack.refresh();
            expectPlan(await stack.preview(), EXPECTATIONS.containerHealthcheck);
            Object.assign(settings, { interval: "1s" }); // what Docker still has: no change planned any more
        });

        it("updates a Command for a new environment and replaces it for new triggers", async () => {
            Object.assign(settings, { commandEnv: "2" });
            expectPlan(await stack.preview(), EXPECTATIONS.commandEnvironment);
            await stack.up();
            await expectReadBack(stack, EXPECTATIONS.commandEnvironment);
            Object.assign(settings, { trigger: "2" });
            expectPlan(await stack.preview(), EXPECTATIONS.commandTriggers);
            Object.assign(settings, { trigger: "1" });
        });

        it("replaces a Network and a Volume whose labels change", async () => {
            Object.assign(settings, { label: "2" });
            expectPlan(await stack.preview(), EXPECTATIONS.labels);
            await stack.up();
            expect(inspect(`${PREFIX}-ch-net`, "{{index .Labels \"ade.fid\"}}")).to.equal("2");
            expect(docker(["volume", "inspect", "--format", "{{index .Labels \"ade.fid\"}}", `${PREFIX}-ch-vol`])).to.equal("2");
        });
    });

    describe("failures and objects gone", () => {
        const settings = { missing: false, unhealthy: false };
        let stack: ScenarioStack;

        before(async () => {
            stack = await ws.stack("missing", missing(settings));
            await stack.up();
        });

        it("fails an up whose RemoteImage cannot be pulled, naming the image, and touches nothing else", async () => {
            const before = await stack.outputs();
            settings.missing = true;
            const failure = await expectFailure(() => stack.up(), EXPECTATIONS.missingImage);
            expect(failure.plan).to.deep.equal(EXPECTATIONS.missingImage.plan);
            const after = await stack.outputs();
            expect(Object.keys(after).sort()).to.deep.equal(["net3", "victim"]);
            expect(after["victim"]).to.deep.equal(before["victim"]);
            expect(after["net3"]).to.deep.equal(before["net3"]);
            settings.missing = false;
        });

        it("keeps a container that never turned healthy, failing the up, and passes the next up without touching it", async () => {
            settings.unhealthy = true;
            const failure = await expectFailure(() => stack.up(), EXPECTATIONS.unhealthy);
            expect(failure.plan).to.deep.equal(EXPECTATIONS.unhealthy.plan);
            const id = inspect(`${PREFIX}-ms-sick`, "{{.Id}}");
            expect((await stack.outputs())["sick"]).to.exist;
            expectPlan((await stack.up()).plan, EXPECTATIONS.unhealthyAgain);
            expect(inspect(`${PREFIX}-ms-sick`, "{{.Id}} {{.State.Health.Status}}")).to.equal(`${id} unhealthy`);
        });

        it("reads a container removed by hand as gone and plans to create it again", async () => {
            docker(["rm", "-f", `${PREFIX}-ms-victim`]);
            await stack.refresh();
            expect(Object.keys(await stack.outputs())).to.not.include("victim");
            expectPlan(await stack.preview(), EXPECTATIONS.containerGone);
        });
    });

    describe("images and invokes", () => {
        const registry = http.createServer((req, res) => {
            const known = req.url === "/v2/ade-fid/app/manifests/1";
            res.writeHead(known ? 200 : 404, known ? { "Docker-Content-Digest": `sha256:${"ab".repeat(32)}` } : {});
            res.end();
        });

        before((done) => {
            registry.listen(14500, "127.0.0.1", done);
        });
        after((done) => {
            registry.close(() => done());
        });

        it("uses a local image for a RemoteImage without pulling, and removes only its name on delete", async () => {
            const name = `${PREFIX}/tagged:1`;
            docker(["tag", BASE, name]);
            const stack = await ws.stack("tagged", tagged(name));
            const { outputs } = await stack.up();
            expect(outputs["imageId"]).to.equal(docker(["image", "inspect", "--format", "{{.Id}}", BASE]));
            await expectReadBack(stack, EXPECTATIONS.remoteImageLocal);
            await stack.stack.destroy();
            expect(docker(["images", "-q", name])).to.equal("");
            expect(docker(["images", "-q", BASE])).to.not.equal("");
        });

        it("answers getRemoteImage from the local images, and fails naming an image Docker lacks", async () => {
            const { outputs } = await (await ws.stack("remote", invoke("remote", BASE))).up();
            expect(outputs).to.deep.equal({ id: docker(["image", "inspect", "--format", "{{.Id}}", BASE]), repoDigest: "" });
            await expectFailure(async () => (await ws.stack("absent", invoke("remote", `${PREFIX}/absent:1`))).up(), EXPECTATIONS.getRemoteImageMissing);
        });

        it("asks a registry's HTTP API for getRegistryImage, over plain HTTP only where registryAuth says so", async () => {
            await expectFailure(async () => (await ws.stack("https", invoke("registry", "127.0.0.1:14500/ade-fid/app:1"))).up(), EXPECTATIONS.getRegistryImageHttps);
            const { outputs } = await (await ws.stack("http", invoke("registry", "127.0.0.1:14500/ade-fid/app:1", ["127.0.0.1:14500"]))).up();
            expect(outputs).to.deep.equal({ digest: `sha256:${"ab".repeat(32)}` });
            await expectFailure(async () => (await ws.stack("tag", invoke("registry", "127.0.0.1:14500/ade-fid/app:9", ["127.0.0.1:14500"]))).up(), EXPECTATIONS.getRegistryImageTagMissing);
            await expectFailure(async () => (await ws.stack("none", invoke("registry", "127.0.0.1:14599/ade-fid/app:1", ["127.0.0.1:14599"]))).up(), EXPECTATIONS.getRegistryImageNoRegistry);
        });
    });
});
