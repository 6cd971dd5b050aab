import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { docker, getJson, Harness, RunResult, skipWithoutPlugins } from "./harness";

/**
 * Releases against the real engine and Docker: three releases of the
 * development stack, the third one broken (its /health answers 500), which
 * `ade deploy` must roll back by itself; then a rollback by version. The
 * database's data (the visits count) must survive all of it.
 */
describe("releases, deploy and rollback end to end", function () {
    this.timeout(0);
    const h = new Harness({ name: "release", portBase: 1 });
    const api = () => `http://127.0.0.1:${h.port("development", 18080)}`;

    /** Runs the copy's own `ade` as a user would, in CI mode (plain progress lines). */
    function ade(args: string[]): RunResult {
        const result = spawnSync(process.execPath, [path.join(h.dir, "bin", "ade.js"), ...args], {
            cwd: h.dir,
            env: { ...h.env("development"), ADE_PROJECT_DIR: h.dir, CI: "true" },
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        const out = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
        h.transcript.push(out.stdout, out.stderr);
        return out;
    }

    function expectOk(result: RunResult): RunResult {
        expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
        return result;
    }

    async function health(): Promise<unknown> {
        const { status, body } = await getJson(`${api()}/health`);
        expect(status, JSON.stringify(body)).to.equal(200);
        return body;
    }

    async function visits(method: "GET" | "POST"): Promise<number> {
        const response = await fetch(`${api()}/visits`, { method, signal: AbortSignal.timeout(5000) });
        const body = (await response.json()) as { count: number };
        expect(response.status, JSON.stringify(body)).to.equal(200);
        return body.count;
    }

    let count = 0;

    before(async function () {
        skipWithoutPlugins(this);
        await h.prepare();
        h.initStack("development");
        // The harness copies the program, not the release files; the copy starts where the repository does.
        fs.writeFileSync(path.join(h.dir, "VERSION"), "0.1.0\n");
        // A broken release should fail in seconds, not after the default two minutes.
        h.setConfig("development", "healthCheck.deadlineSeconds", "20");
    });

    after(async () => {
        await h.cleanUp();
        h.printTimings();
    });

    it("releases 1.0.0 and deploys it to development, verified healthy", async () => {
        const release = expectOk(ade(["release", "major", "First release", "--no-git"]));
        expect(release.stdout).to.include("version 0.1.0 -> 1.0.0");
        const deploy = expectOk(await h.phase("deploy 1.0.0", () => ade(["deploy", "development", "--skip-tests"])));
        expect(deploy.stdout).to.include("release 1.0.0 is running on development and verified healthy (update #1: release 1.0.0: First release)");
        expect(deploy.stdout).to.match(/\] created ade-api-container \(docker:index\/container:Container\) in \d+\.\ds/);
        expect(await health()).to.include({ status: "ok", version: "1.0.0" });
        await visits("POST");
        count = await visits("POST");
        expect(count).to.equal(2);
    });

    it("releases 1.1.0 and deploys it, keeping the database's data", async () => {
        expectOk(ade(["release", "minor", "Visits counter", "--no-git"]));
        expectOk(await h.phase("deploy 1.1.0", () => ade(["deploy", "development", "--skip-tests"])));
        expect(await health()).to.include({ version: "1.1.0" });
        count = await visits("POST");
        expect(count).to.equal(3);
    });

    it("rolls a broken 1.2.0 back to 1.1.0 by itself and exits non-zero naming the failed service", async () => {
        const routes = path.join(h.dir, "app", "src", "routes.js");
        const source = fs.readFileSync(routes, "utf8");
        const broken = source.replace(
            'return { status: 200, json: { status: "ok", version: config.version } };',
            'return { status: 500, json: { status: "broken", version: config.version } };',
        );
        expect(broken, "the health route to break").to.not.equal(source);
        fs.writeFileSync(routes, broken);
        expectOk(ade(["release", "minor", "Broken health", "--no-git"]));

        const deploy = await h.phase("deploy broken 1.2.0 + automatic rollback", () => ade(["deploy", "development", "--skip-tests"]));
        expect(deploy.status, deploy.stdout).to.equal(1);
        expect(deploy.stderr).to.include('ade: release 1.2.0 failed on development: Health verification failed: "api" (HTTP 500');
        expect(deploy.stderr).to.match(/put back what ran before: release 1\.1\.0 \(update #\d+, verified\) is running again and verified healthy \(update #\d+\)/);
        expect(deploy.stderr).to.not.include("internal error");

        expect(await health()).to.include({ status: "ok", version: "1.1.0" });
        expect(await visits("GET")).to.equal(count);
        // Containers run images by id: the one release 1.1.0 built.
        expect(docker(["inspect", "--format", "{{.Image}}", `${h.project}-development-api`])).to.equal(docker(["image", "inspect", "--format", "{{.Id}}", `${h.project}/api:1.1.0`]));
    });

    it("shows the releases, the failure and the verified rollback in the history", () => {
        const lines = expectOk(ade(["history", "development"])).stdout.split("\n");
        expect(lines[0]).to.match(/^UPDATE +VERSION +STARTED \(UTC\) +RESULT +HEALTH +MESSAGE$/);
        const rows = lines.slice(1, 5).map((l) => l.split(/ {2,}/));
        expect(rows.map((r) => [r[1], r[3], r[4]])).to.deep.equal([
            ["1.1.0", "succeeded", "verified"],
            ["1.2.0", "failed", "failed"],
            ["1.1.0", "succeeded", "verified"],
            ["1.0.0", "succeeded", "verified"],
        ]);
        expect(rows[0]?.[5]).to.match(/^rollback to release 1\.1\.0 \(update #2\): release 1\.2\.0 failed: Health verification failed: "api" \(HTTP 500/);
        expect(rows[1]?.[5]).to.equal("release 1.2.0: Broken health");
    });

    it("rolls back to 1.0.0 on request, from the image 1.0.0 built, with the data intact", async () => {
        expectOk(await h.phase("rollback to 1.0.0", () => ade(["rollback", "development", "--to", "1.0.0"])));
        expect(await health()).to.include({ status: "ok", version: "1.0.0" });
        expect(await visits("GET")).to.equal(count);
        expect(await visits("POST")).to.equal(count + 1);
    });

    it("refuses a rollback to a release that never verified healthy, changing nothing", async () => {
        const stackFile = fs.readFileSync(path.join(h.dir, "Pulumi.development.yaml"), "utf8");
        const refused = ade(["rollback", "development", "--to", "1.2.0"]);
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.match(/^ade: release 1\.2\.0 never verified healthy on stack "development" \(its updates: #3 failed\); releases that verified healthy: 1\.0\.0, 1\.1\.0; nothing was changed\n$/);
        expect(fs.readFileSync(path.join(h.dir, "Pulumi.development.yaml"), "utf8")).to.equal(stackFile);
        expect(await health()).to.include({ version: "1.0.0" });
    });
});
