import { expect } from "chai";
import { spawnSync } from "child_process";
import { docker, getJson, Harness, postJson, PulumiError, RunResult, skipWithoutPlugins } from "./harness";

/**
 * A deploy that cannot finish must not take anything down, and every entry
 * point deploys the same images: dev-up.sh and `ade deploy` agree, an image
 * that cannot be had stops the update before any container is touched, and a
 * replacement that fails after its predecessor was removed ends with the
 * previous containers running again.
 */
describe("deploys that cannot finish take nothing down", function () {
    this.timeout(0);
    const h = new Harness({ name: "deploy", portBase: 2, extraEntries: ["scripts", "toolchain"] });
    const api = () => `http://127.0.0.1:${h.port("development", 18080)}`;
    const prefix = () => `${h.project}-development-`;

    /** Container name -> id of every running container of development (the one-shot file copiers excluded). */
    function running(): Record<string, string> {
        const names = h.dockerObjects(prefix()).containers.filter((n) => !n.endsWith("-files"));
        return Object.fromEntries(names.map((n) => [n, docker(["inspect", "--format", "{{.Id}} {{.State.Status}}", n])]));
    }

    async function visits(): Promise<number> {
        const { status, body } = await getJson(`${api()}/visits`);
        expect(status, JSON.stringify(body)).to.equal(200);
        return (body as { count: number }).count;
    }

    function expectExit(result: RunResult, status: number): RunResult {
        expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(status);
        return result;
    }

    let count = 0;

    before(async function () {
        skipWithoutPlugins(this);
        await h.prepare();
        h.initStack("development");
        // A broken update should fail in seconds, not after the default two minutes.
        h.setConfig("development", "healthCheck.deadlineSeconds", "30");
    });

    after(async () => {
        await h.cleanUp();
        h.printTimings();
    });

    it("brings development up with dev-up.sh, recorded in the stack's history with its health", async () => {
        const result = await h.phase("dev-up.sh", () =>
            spawnSync("bash", ["scripts/dev-up.sh"], { cwd: h.dir, env: { ...h.env("development"), CI: "true" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
        );
        h.transcript.push(result.stdout, result.stderr);
        expect(result.status, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).to.equal(0);
        expect(result.stdout).to.match(/release 0\.1\.0 is running on development and verified healthy \(update #1: release 0\.1\.0\)/);
        const history = expectExit(h.ade(["history", "development"]), 0);
        expect(history.stdout).to.match(/#1 +0\.1\.0 .* succeeded +verified +release 0\.1\.0/);
        await postJson(`${api()}/visits`);
        count = await visits();
        expect(count).to.equal(1);
    });

    it("then `ade deploy` of the same release changes nothing", async () => {
        const before = running();
        const deploy = expectExit(await h.phase("ade deploy (same release)", () => h.ade(["deploy", "development", "--skip-tests"])), 0);
        expect(deploy.stdout).to.match(/^preview: \d+ unchanged$/m);
        expect(deploy.stdout).not.to.match(/\] (created|updated|deleted|replaced|created replacement|deleted replaced) /);
        expect(running()).to.deep.equal(before);
    });

    it("stops before touching any container when an image cannot be had, naming it in the preview", async () => {
        const before = running();
        h.setConfig("development", "images.postgres", "postgres:99.9-never-built");
        const named = /images\.postgres: image postgres:99\.9-never-built cannot be had: it is not on this Docker host and its registry answered: /;

        let preview: PulumiError | undefined;
        try {
            h.pulumi("development", ["preview"]);
        } catch (error) {
            preview = error as PulumiError;
        }
        expect(preview, "preview of an image that cannot be had succeeded").to.be.instanceOf(PulumiError);
        expect(`${preview?.result.stdout ?? ""}${preview?.result.stderr ?? ""}`).to.match(named);

        let up: PulumiError | undefined;
        try {
            await h.phase("pulumi up (image cannot be had)", () => h.up("development"));
        } catch (error) {
            up = error as PulumiError;
        }
        expect(up, "up of an image that cannot be had succeeded").to.be.instanceOf(PulumiError);
        expect(`${up?.result.stdout ?? ""}${up?.result.stderr ?? ""}`).to.match(named);

        const deploy = expectExit(await h.phase("ade deploy (image cannot be had)", () => h.ade(["deploy", "development", "--skip-tests"])), 1);
        expect(deploy.stderr).to.match(named);
        expect(deploy.stderr).to.include("nothing was changed");

        expect(running()).to.deep.equal(before);
        expect(await visits()).to.equal(count);
        h.pulumi("development", ["config", "rm", "--path", "images.postgres"]);
    });

    it("puts the previous containers back when a replacement fails after its predecessor was removed", async () => {
        const postgres = `${prefix()}postgres`;
        const image = docker(["inspect", "--format", "{{.Image}}", postgres]);
        // An image that exists but is no database: the new container never becomes healthy.
        h.setConfig("development", "images.postgres", "ade-local/adminer:4-1");
        const deploy = expectExit(await h.phase("ade deploy (broken database image) + put back", () => h.ade(["deploy", "development", "--skip-tests"])), 1);
        expect(deploy.stderr).to.match(/^ade: release 0\.1\.0 failed on development: /m);
        expect(deploy.stderr).to.match(/put back what ran before: release 0\.1\.0 \(update #\d+, verified\) is running again and verified healthy \(update #\d+\)/);
        expect(docker(["inspect", "--format", "{{.Image}} {{.State.Status}} {{.State.Health.Status}}", postgres])).to.equal(`${image} running healthy`);
        expect(await visits()).to.equal(count);
    });
});
