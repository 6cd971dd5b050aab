import { expect } from "chai";
import { docker, eventually, pluginsAreStandins, skipWithoutPlugins } from "./harness";
import { Expectation } from "./fidelity.expectations";
import { BASE } from "./fidelity.programs";
import { expectFailure, FidelityWorkspace, Plan, ScenarioStack } from "./fidelity.workspace";
import { SWARM_EXPECTATIONS as E } from "./swarm.expectations";
import { appImage, convergence, defaultProviderSecret, drift, networkByName, pinned, service, ServiceSettings, stopping, SWARM_PREFIX } from "./swarm.programs";
import { SwarmEngine } from "./swarm.engine";

/**
 * Checks the installed docker plugin's Swarm resources (Service, Secret,
 * ServiceConfig, overlay Network) against what the real
 * pulumi-resource-docker 5.0.0 does (swarm.expectations.ts, each expectation
 * citing its source), by running the real Pulumi engine on small programs
 * against a Swarm of its own: a second Docker engine in a container
 * (swarm.engine.ts), never the shared engine's Swarm state. On this project's
 * build machines the plugin is the STAND-IN of toolchain/standin-providers.
 */
/** A registry image of the machine (toolchain/images/registry), run inside the Swarm's engine on its loopback. */
const REGISTRY_IMAGE = "ade-local/registry:2.8-1";
const REGISTRY = "127.0.0.1:5000";

describe("Swarm fidelity: the installed docker plugin's Swarm resources behave as the real ones", function () {
    const engine = new SwarmEngine(SWARM_PREFIX);
    let ws: FidelityWorkspace;

    before(async function () {
        skipWithoutPlugins(this);
        const which = pluginsAreStandins() ? "the project's STAND-IN docker plugin (toolchain/standin-providers)" : "the REAL docker plugin";
        process.stdout.write(`\n  SWARM FIDELITY: this suite checks ${which}'s Service, Secret, ServiceConfig and overlay Network against what the real pulumi-resource-docker 5.0.0 does (tests/e2e/swarm.expectations.ts), on a Swarm in a container of its own.\n\n`);
        for (const image of [BASE, REGISTRY_IMAGE]) if (docker(["images", "-q", image]) === "") throw new Error(`image ${image} is missing: build it with bash toolchain/build-images.sh`);
        await engine.start([BASE, REGISTRY_IMAGE]);
        for (const version of ["1", "2"]) engine.build(appImage(version), `FROM ${BASE}\nRUN echo ${version} > /version && touch /healthy\n`);
        engine.build(appImage("3"), `FROM ${BASE}\nRUN echo 3 > /version\n`);
        engine.run(["tag", appImage("1"), `${SWARM_PREFIX}/app:latest`]);
        engine.run(["run", "-d", "--name", `${SWARM_PREFIX}-registry`, "-p", `${REGISTRY}:5000`, REGISTRY_IMAGE]);
        engine.run(["tag", appImage("1"), `${REGISTRY}/${appImage("1")}`]);
        await eventually(30, () => Promise.resolve(engine.run(["push", `${REGISTRY}/${appImage("1")}`]) || undefined));
        ws = new FidelityWorkspace(SWARM_PREFIX);
    });

    after(async () => {
        await ws?.cleanUp();
        engine.remove();
    });

    function expectPlan(actual: Plan, e: Expectation): void {
        expect(actual, `${e.behaviour}\n      source: ${e.source}`).to.deep.equal(e.plan);
    }

    /** "<image> <state>" of each task of the service that should run, in the Swarm. */
    const tasks = (name: string) =>
        engine
            .run(["service", "ps", name, "--filter", "desired-state=running", "--format", "{{.Image}} {{.CurrentState}}"])
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => l.split(" ").slice(0, 2).join(" ").toLowerCase());
    const specOf = (name: string, format: string) => engine.run(["service", "inspect", "--format", format, name]);
    const containersOf = (name: string) => engine.run(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${name}`]).split("\n").filter((id) => id !== "");

    describe("a service with its overlay network, secret and config", () => {
        const settings: ServiceSettings = { version: "1", secret: "1" };
        const app = `${SWARM_PREFIX}-app`;
        let stack: ScenarioStack;
        let appId: unknown;

        it("creates them and returns once every replica runs and is healthy (convergeConfig)", async () => {
            stack = await ws.stack("service", service(engine.host, settings));
            const { plan, outputs: created } = await stack.up();
            expectPlan(plan, E.serviceCreate);
            appId = created["appId"];
            expect(tasks(app)).to.deep.equal([`${appImage("1")} running`, `${appImage("1")} running`]);
            for (const id of containersOf(app)) {
                expect(engine.run(["inspect", "--format", "{{.State.Health.Status}} {{json .HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}", id])).to.equal('healthy ["ALL"] true 1000:1000');
            }
            const outputs = await stack.outputs();
            for (const [name, values] of Object.entries(E.serviceCreate.readBack)) {
                for (const [key, value] of Object.entries(values)) expect(outputs[name]?.[key], `${name}.${key}`).to.deep.equal(value);
            }
            const stored = ws.storedState(stack);
            const secret = (JSON.parse(stored) as { checkpoint: { latest: { resources: { urn: string; outputs?: { data?: unknown } }[] } } }).checkpoint.latest.resources.find((r) => r.urn.endsWith("::secret"));
            expect(secret?.outputs?.data, "Docker never gives a secret's data back: the state keeps the program's, encrypted").to.have.property("ciphertext");
            expect(stored).to.not.include(Buffer.from("token 1").toString("base64"));
        });

        it("plans no change after the create, after a refresh, and with preview --refresh", async () => {
            expectPlan(await stack.preview(), E.serviceClean);
            await stack.refresh();
            expectPlan(await stack.preview(), E.serviceClean);
            expectPlan(await stack.preview(true), E.serviceClean);
        });

        it("updates the image in place, keeping the service, and waits until every replica runs", async () => {
            settings.version = "2";
            expectPlan(await stack.preview(), E.imageUpdate);
            const { plan, outputs } = await stack.up();
            expectPlan(plan, E.imageUpdate);
            expect(outputs["appId"]).to.equal(appId);
            expect(specOf(app, "{{.Spec.TaskTemplate.ContainerSpec.Image}}")).to.equal(appImage("2"));
            // Converged means each slot has a running task; a slot Swarm has not reached yet still runs the old image.
            expect(tasks(app).map((t) => t.split(" ")[1])).to.deep.equal(["running", "running"]);
            await eventually(60, () => Promise.resolve(tasks(app).every((t) => t === `${appImage("2")} running`) || undefined));
        });

        it("rotates a secret: creates the new one, updates the service, deletes the old one last", async () => {
            settings.secret = "2";
            expectPlan(await stack.preview(), E.secretRotation);
            const { plan, steps } = await stack.up();
            expectPlan(plan, E.secretRotation);
            expect(steps.filter((s) => / (secret|app)$/.test(s))).to.deep.equal(["create-replacement secret", "replace secret", "update app", "delete-replaced secret"]);
            expect(engine.run(["secret", "ls", "--format", "{{.Name}}"]).split("\n")).to.deep.equal([`${SWARM_PREFIX}-token-2`]);
            expect(specOf(app, "{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}}{{end}}")).to.equal(`${SWARM_PREFIX}-token-2`);
            await eventually(60, () => Promise.resolve(containersOf(app).every((id) => engine.run(["exec", id, "cat", "/run/secrets/token"]) === "token 2") || undefined));
        });

        it("fails an update Swarm rolls back, with the real provider's message, and the old version keeps running", async () => {
            settings.version = "3";
            expectPlan(await stack.preview(), E.rolledBack);
            const failure = await expectFailure(() => stack.up(), E.rolledBack);
            expect(failure.plan).to.deep.equal(E.rolledBack.plan);
            expect(specOf(app, "{{.Spec.TaskTemplate.ContainerSpec.Image}}")).to.equal(appImage("2"));
            await eventually(120, () => Promise.resolve(specOf(app, "{{.UpdateStatus.State}}") === "rollback_completed" || undefined));
            await eventually(60, () => Promise.resolve(tasks(app).every((t) => t === `${appImage("2")} running`) || undefined));
            expectPlan(await stack.preview(), E.rolledBackAgain);
            await stack.refresh();
            expectPlan(await stack.preview(), E.rolledBackRefreshed);
            settings.version = "2";
            await stack.up();
            expectPlan(await stack.preview(), E.serviceClean);
        });

        it("reads a service removed by hand as gone and plans to create it again", async () => {
            engine.run(["service", "rm", app]);
            await stack.refresh();
            expect(Object.keys(await stack.outputs())).to.not.include("app");
            expectPlan(await stack.preview(), E.serviceGone);
        });
    });

    describe("convergence", () => {
        it("returns at once without a convergeConfig; with one, deletes a service that never converges and fails naming it", async () => {
            const settings = { strict: false };
            const stack = await ws.stack("converge", convergence(engine.host, settings));
            expectPlan((await stack.up()).plan, E.withoutConvergeConfig);
            expect(tasks(`${SWARM_PREFIX}-lazy`).filter((t) => t.endsWith(" running")), "its task never turns healthy").to.deep.equal([]);
            settings.strict = true;
            const failure = await expectFailure(() => stack.up(), E.didNotConverge);
            expect(failure.plan).to.deep.equal(E.didNotConverge.plan);
            expect(engine.run(["service", "ls", "-q", "--filter", `name=${SWARM_PREFIX}-strict`])).to.equal("");
            expect(Object.keys(await stack.outputs())).to.not.include("strict");
        });
    });

    describe("delete", () => {
        it("waits for the tasks' containers to go, and fails when one outlasts the stop grace period", async () => {
            const settings = { quick: true, stubborn: true };
            const stack = await ws.stack("stop", stopping(engine.host, settings));
            await stack.up();
            settings.quick = false;
            expectPlan((await stack.up()).plan, E.deleteWaits);
            expect(engine.run(["ps", "-a", "-q", "--filter", `label=com.docker.swarm.service.name=${SWARM_PREFIX}-quick`])).to.equal("");
            settings.stubborn = false;
            const failure = await expectFailure(() => stack.up(), E.deleteTimesOut);
            expect(failure.plan).to.deep.equal(E.deleteTimesOut.plan);
            expect(engine.run(["service", "ls", "-q", "--filter", `name=${SWARM_PREFIX}-stubborn`])).to.equal("");
            expect(Object.keys(await stack.outputs())).to.deep.equal(["stubborn"]);
            await expectFailure(() => stack.up(), E.deleteGone);
            await stack.refresh();
            expect(await stack.outputs()).to.deep.equal({});
        });
    });

    describe("inputs the real provider reads back differently", () => {
        it("plans a change on every update for overlay network options, partial restart policies, untagged images and non-canonical base64", async () => {
            const stack = await ws.stack("drift", drift(engine.host));
            await stack.up();
            expect(engine.run(["network", "inspect", "--format", "{{json .Options}}", `${SWARM_PREFIX}-encrypted-net`])).to.match(/"com\.docker\.network\.driver\.overlay\.vxlanid_list":"\d+","encrypted":"true"/);
            expectPlan(await stack.preview(), E.drift);
            await stack.refresh();
            expectPlan(await stack.preview(), E.drift);
        });

        it("pins the image to its registry's digest at create only, so the next up updates the service once", async () => {
            const stack = await ws.stack("pinned", pinned(engine.host, REGISTRY));
            await stack.up();
            const image = specOf(`${SWARM_PREFIX}-pinned`, "{{.Spec.TaskTemplate.ContainerSpec.Image}}");
            expect(image).to.match(new RegExp(`^${REGISTRY}/${appImage("1")}@sha256:[0-9a-f]{64}$`));
            expect(specOf(`${SWARM_PREFIX}-pinned`, "{{json .Spec.TaskTemplate.Placement.Platforms}}")).to.equal('[{"Architecture":"amd64","OS":"linux"}]');
            expect((await stack.outputs())["pinned"]?.["taskSpec"]).to.nested.include({ "containerSpec.image": image });
            expectPlan(await stack.preview(), E.pinnedAtCreate);
            await stack.up();
            expect(specOf(`${SWARM_PREFIX}-pinned`, "{{.Spec.TaskTemplate.ContainerSpec.Image}} {{json .Spec.TaskTemplate.Placement.Platforms}}")).to.equal(`${REGISTRY}/${appImage("1")} null`);
            expectPlan(await stack.preview(), E.pinnedAfterUpdate);
        });

        it("replaces a service given its network by name on every update, and the replacement fails on the service's name", async () => {
            const stack = await ws.stack("named", networkByName(engine.host));
            await stack.up();
            expectPlan(await stack.preview(), E.networkByName);
            const failure = await expectFailure(() => stack.up(), E.networkByName);
            expect(failure.plan).to.deep.equal(E.networkByName.plan);
        });
    });

    describe("the default provider and Swarm secrets", () => {
        const settings = { data: "a" };
        const hand = `${SWARM_PREFIX}-hand`;
        let stack: ScenarioStack;

        it("reaches the Swarm manager named by DOCKER_HOST", async () => {
            stack = await ws.stack("shared", defaultProviderSecret(settings), { DOCKER_HOST: engine.host });
            await stack.up();
            expect(engine.run(["secret", "inspect", "--format", "{{.Spec.Name}}", `${SWARM_PREFIX}-shared`])).to.equal(`${SWARM_PREFIX}-shared`);
        });

        it("fails to replace a secret under the same name, keeping the old one", async () => {
            const id = engine.run(["secret", "inspect", "--format", "{{.ID}}", `${SWARM_PREFIX}-shared`]);
            settings.data = "b";
            expectPlan(await stack.preview(), E.secretSameName);
            const failure = await expectFailure(() => stack.up(), E.secretSameName);
            expect(failure.plan).to.deep.equal(E.secretSameName.plan);
            expect(engine.run(["secret", "inspect", "--format", "{{.ID}}", `${SWARM_PREFIX}-shared`])).to.equal(id);
        });

        it("fails to delete a secret a service uses, and deletes it once that service is gone", async () => {
            engine.run(["service", "create", "--detach", "--name", hand, "--secret", `${SWARM_PREFIX}-shared`, appImage("1"), "sleep", "3600"]);
            await expectFailure(() => stack.stack.destroy(), E.secretInUse);
            expect(Object.keys(await stack.outputs())).to.deep.equal(["shared"]);
            engine.run(["service", "rm", hand]);
            await stack.stack.destroy();
            expect(engine.run(["secret", "ls", "-q", "--filter", `name=${SWARM_PREFIX}-shared`])).to.equal("");
        });
    });
});
