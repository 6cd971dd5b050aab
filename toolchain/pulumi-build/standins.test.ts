import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SOURCE_ROOT } from "../../core/paths";

const ENSURE_PULUMI = path.join(SOURCE_ROOT, "toolchain", "ensure-pulumi.sh");

/**
 * A toolchain in a cache of its own that could not build its two resource
 * plugins, with stand-ins already built (build_standin finds them and builds
 * nothing) and a fake `pulumi` whose `plugin install ... --file F` copies F into
 * PULUMI_HOME as the real CLI does.
 */
function toolchain(root: string) {
    const cache = path.join(root, "cache");
    const dir = path.join(cache, "toolchain", "pulumi-test");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        '#!/bin/sh\n# pulumi plugin install resource NAME VERSION --file FILE --reinstall\nmkdir -p "$PULUMI_HOME/plugins/resource-$4-v$5" && cp "$7" "$PULUMI_HOME/plugins/resource-$4-v$5/pulumi-resource-$4"\n',
        { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "UNAVAILABLE"), "pulumi-resource-docker 5.0.0 (for npm @pulumi/docker 5.0.0) was not built: refused\npulumi-resource-command 1.2.1 (for npm @pulumi/command 1.2.1) was not built: refused\n");
    const standins: Record<string, string> = {};
    for (const name of ["docker", "command"]) {
        const standinDir = path.join(dir, `standin-${name}-test`);
        fs.mkdirSync(standinDir);
        standins[name] = path.join(standinDir, `pulumi-resource-${name}`);
        fs.writeFileSync(standins[name], `#!/bin/sh\n# module ade-platform/standin-providers (${name})\n`, { mode: 0o755 });
    }
    return { cache, dir, bin, standins, standinFile: path.join(dir, "STANDIN") };
}

/** Runs provide_standins from ensure-pulumi.sh (sourced, so main does not run) for that toolchain and PULUMI_HOME. */
function provideStandins(t: ReturnType<typeof toolchain>, pulumiHome: string) {
    const script = `
        set -Eeuo pipefail
        source "$1"
        build_standin() { printf '%s\\n' "$(dirname "$1")/standin-$2-test"; }
        DOCKER_VERSION=5.0.0 COMMAND_VERSION=1.2.1
        provide_standins "$2" "$3"`;
    const result = spawnSync("bash", ["-c", script, "_", ENSURE_PULUMI, t.bin, path.join(t.dir, "UNAVAILABLE")], {
        encoding: "utf8",
        // Not a socket on stdin: bash -c reads ~/.bashrc when it is one (it takes that for sshd), which makes the run slow and the user's.
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env["PATH"] ?? "", HOME: os.homedir(), ADE_CACHE_DIR: t.cache, PULUMI_HOME: pulumiHome },
    });
    return { status: result.status, stderr: result.stderr };
}

function installed(pulumiHome: string, name: string, version: string): string {
    return fs.readFileSync(path.join(pulumiHome, "plugins", `resource-${name}-v${version}`, `pulumi-resource-${name}`), "utf8");
}

describe("stand-in plugins (toolchain/pulumi-build/standins.sh)", () => {
    let root: string;
    let t: ReturnType<typeof toolchain>;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ade-standins-"));
        t = toolchain(root);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const listing = () =>
        `pulumi-resource-docker 5.0.0 ${t.standins["docker"]}: STAND-IN (toolchain/standin-providers) for the real plugin, which this toolchain could not build (see ${t.dir}/UNAVAILABLE)\n` +
        `pulumi-resource-command 1.2.1 ${t.standins["command"]}: STAND-IN (toolchain/standin-providers) for the real plugin, which this toolchain could not build (see ${t.dir}/UNAVAILABLE)\n`;

    it("installs the stand-ins into an empty PULUMI_HOME, lists them in the toolchain's STANDIN file and warns naming that PULUMI_HOME", () => {
        const home = path.join(root, "home-empty");
        const result = provideStandins(t, home);
        expect(result.status, result.stderr).to.equal(0);
        expect(installed(home, "docker", "5.0.0")).to.equal(fs.readFileSync(t.standins["docker"] ?? "", "utf8"));
        expect(installed(home, "command", "1.2.1")).to.equal(fs.readFileSync(t.standins["command"] ?? "", "utf8"));
        expect(fs.readFileSync(t.standinFile, "utf8")).to.equal(listing());
        expect(result.stderr).to.contain(`WARNING: so STAND-IN resource plugins are installed into ${home} in place of the real ones:`);
    });

    it("keeps the toolchain's STANDIN file when a PULUMI_HOME holds real plugins, leaves those plugins alone and does not warn", () => {
        provideStandins(t, path.join(root, "home-empty"));
        const before = fs.statSync(t.standinFile).mtimeMs;
        const home = path.join(root, "home-real");
        for (const [name, version] of [["docker", "5.0.0"], ["command", "1.2.1"]] as const) {
            fs.mkdirSync(path.join(home, "plugins", `resource-${name}-v${version}`), { recursive: true });
            fs.writeFileSync(path.join(home, "plugins", `resource-${name}-v${version}`, `pulumi-resource-${name}`), `real ${name}\n`, { mode: 0o755 });
        }
        const result = provideStandins(t, home);
        expect(result.status, result.stderr).to.equal(0);
        expect(fs.readFileSync(t.standinFile, "utf8")).to.equal(listing());
        expect(fs.statSync(t.standinFile).mtimeMs).to.equal(before);
        expect(installed(home, "docker", "5.0.0")).to.equal("real docker\n");
        expect(installed(home, "command", "1.2.1")).to.equal("real command\n");
        expect(result.stderr).to.contain(`[ade] pulumi-resource-docker 5.0.0: using the real plugin installed in ${home} (no stand-in)`);
        expect(result.stderr).not.to.contain("WARNING: so STAND-IN");
    });

    it("lists the stand-ins even when the first PULUMI_HOME to run holds real plugins", () => {
        const home = path.join(root, "home-real");
        fs.mkdirSync(path.join(home, "plugins", "resource-docker-v5.0.0"), { recursive: true });
        fs.writeFileSync(path.join(home, "plugins", "resource-docker-v5.0.0", "pulumi-resource-docker"), "real docker\n");
        const result = provideStandins(t, home);
        expect(result.status, result.stderr).to.equal(0);
        expect(fs.readFileSync(t.standinFile, "utf8")).to.equal(listing());
        expect(installed(home, "docker", "5.0.0")).to.equal("real docker\n");
        expect(result.stderr).to.contain("WARNING: so STAND-IN resource plugins are installed into");
        expect(result.stderr).to.contain(`- pulumi-resource-command 1.2.1 ${t.standins["command"]}`);
        expect(result.stderr).not.to.contain(`- pulumi-resource-docker 5.0.0`);
    });

    it("removes the STANDIN file of a toolchain that lacks no plugin", () => {
        fs.writeFileSync(t.standinFile, "left from an older run\n");
        fs.rmSync(path.join(t.dir, "UNAVAILABLE"));
        const result = provideStandins(t, path.join(root, "home-empty"));
        expect(result.status, result.stderr).to.equal(0);
        expect(fs.existsSync(t.standinFile)).to.equal(false);
    });
});
