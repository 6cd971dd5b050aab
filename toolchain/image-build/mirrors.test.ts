import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SOURCE_ROOT } from "../../core/paths";

const SCRIPT = path.join(SOURCE_ROOT, "toolchain", "image-build", "mirrors.js");

interface Result {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

interface Output {
    write(text: string): boolean;
}

interface MirrorsModule {
    readonly run: (argv: string[], io: { imageExists: (ref: string) => boolean; stdout: Output; stderr: Output }) => number;
}

/**
 * Runs mirrors.js as build-images.sh does, a process of its own, with a fake `docker`
 * first on PATH that knows only the images in `present` (`docker image inspect REF`
 * succeeds for those and fails otherwise): the command line's contract.
 */
function mirrorsProcess(dir: string, present: string[], args: string[]): Result {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(dir, "present"), present.map((ref) => `${ref}\n`).join(""));
    fs.writeFileSync(path.join(bin, "docker"), `#!/bin/sh\n# docker image inspect --format {{.Id}} REF\ngrep -qxF -- "$5" "${dir}/present"\n`, { mode: 0o755 });
    const result = spawnSync(process.execPath, [SCRIPT, ...args], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}` },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs mirrors.js's `run` in this process (a Node start per case cost most of these
 * tests' time), with an engine that has only the images in `present`.
 */
function mirrors(present: string[], args: string[]): Result {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-Node script of the toolchain, with no types to import
    const { run } = require(SCRIPT) as MirrorsModule;
    let stdout = "";
    let stderr = "";
    const status = run(args, {
        imageExists: (ref) => present.includes(ref),
        stdout: { write: (text) => ((stdout += text), true) },
        stderr: { write: (text) => ((stderr += text), true) },
    });
    return { status, stdout, stderr };
}

function map(mirrorsByPublicRef: Record<string, string>): string {
    return `${JSON.stringify({ version: 1, writtenBy: "toolchain/build-images.sh", mirrors: mirrorsByPublicRef }, null, 2)}\n`;
}

describe("the image mirror map (toolchain/image-build/mirrors.js)", () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-mirrors-"));
        file = path.join(dir, "config", "ade-platform", "image-mirrors.json");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes a new file listing only the entries whose local image exists, sorted by public reference", () => {
        const result = mirrorsProcess(dir, ["ade-local/postgres:15-1", "ade-local/haproxy:2.6-1"], [
            "write", file,
            "postgres:15.8-bookworm=ade-local/postgres:15-1",
            "registry:2.8.2=ade-local/registry:2.8-1",
            "haproxy:2.6.12=ade-local/haproxy:2.6-1",
        ]);
        expect(result.stderr).to.equal(`[build-images] mirror map: 2 image(s) in ${file}\n`);
        expect(result.status).to.equal(0);
        expect(fs.readFileSync(file, "utf8")).to.equal(map({
            "haproxy:2.6.12": "ade-local/haproxy:2.6-1",
            "postgres:15.8-bookworm": "ade-local/postgres:15-1",
        }));
    });

    it("keeps the entries of other images while their local image exists, and drops those whose image is gone", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, map({ "mysql:8.0": "team/mysql:8-local", "redis:7": "team/redis:gone" }));
        const result = mirrors(["team/mysql:8-local", "ade-local/postgres:15-1"], ["write", file, "postgres:15.8-bookworm=ade-local/postgres:15-1"]);
        expect(result.status).to.equal(0);
        expect(result.stderr).to.contain("[build-images] mirror map: dropping redis:7 -> team/redis:gone (no such image in the engine)\n");
        expect(fs.readFileSync(file, "utf8")).to.equal(map({
            "mysql:8.0": "team/mysql:8-local",
            "postgres:15.8-bookworm": "ade-local/postgres:15-1",
        }));
    });

    it("replaces an entry for the same public reference with the recipe's image", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, map({ "postgres:15.8-bookworm": "ade-local/postgres:15-0" }));
        const result = mirrors(["ade-local/postgres:15-0", "ade-local/postgres:15-1"], ["write", file, "postgres:15.8-bookworm=ade-local/postgres:15-1"]);
        expect(result.status).to.equal(0);
        expect(fs.readFileSync(file, "utf8")).to.equal(map({ "postgres:15.8-bookworm": "ade-local/postgres:15-1" }));
    });

    it("keeps an existing entry when the recipe's image for that reference is not built", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, map({ "postgres:15.8-bookworm": "ade-local/postgres:15-0" }));
        const result = mirrors(["ade-local/postgres:15-0"], ["write", file, "postgres:15.8-bookworm=ade-local/postgres:15-1"]);
        expect(result.status).to.equal(0);
        expect(fs.readFileSync(file, "utf8")).to.equal(map({ "postgres:15.8-bookworm": "ade-local/postgres:15-0" }));
    });

    it("leaves a map that already says the same untouched", () => {
        const entry = "node:22-bookworm-slim=ade-local/node:18-1";
        mirrors(["ade-local/node:18-1"], ["write", file, entry]);
        const past = new Date("2020-01-01T00:00:00Z");
        fs.utimesSync(file, past, past);
        const result = mirrors(["ade-local/node:18-1"], ["write", file, entry]);
        expect(result.status).to.equal(0);
        expect(fs.statSync(file).mtime.getTime()).to.equal(past.getTime());
    });

    it("leaves no temporary file beside the map", () => {
        mirrors(["ade-local/node:18-1"], ["write", file, "node:22-bookworm-slim=ade-local/node:18-1"]);
        expect(fs.readdirSync(path.dirname(file))).to.deep.equal(["image-mirrors.json"]);
    });

    const broken: [string, string, string][] = [
        ["not JSON", "{", "not valid JSON"],
        ["another version", JSON.stringify({ version: 2, mirrors: {} }), "version must be 1 (got 2)"],
        ["no mirrors object", JSON.stringify({ version: 1, mirrors: ["a"] }), '"mirrors" must be an object of "<public ref>": "<local ref>"'],
        ["a local reference that is not a string", JSON.stringify({ version: 1, mirrors: { "a:1": 5 } }), 'mirrors["a:1"] must be a local image reference (got 5)'],
    ];
    for (const [title, content, problem] of broken) {
        it(`refuses an existing file with ${title}, naming the file and the fix, and leaves it as it was`, () => {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, content);
            const result = mirrors(["ade-local/node:18-1"], ["write", file, "node:22-bookworm-slim=ade-local/node:18-1"]);
            expect(result.status).to.equal(1);
            expect(result.stderr).to.match(new RegExp(`^\\[build-images\\] ERROR: ${escape(file)}: ${escape(problem)}.*; fix it or remove it, then run toolchain/build-images.sh again\\n$`));
            expect(fs.readFileSync(file, "utf8")).to.equal(content);
        });
    }

    it("refuses an entry that is not PUBLIC=LOCAL", () => {
        const result = mirrorsProcess(dir, [], ["write", file, "postgres:15.8-bookworm"]);
        expect(result.status).to.equal(1);
        expect(result.stderr).to.equal('[build-images] ERROR: mirror entry "postgres:15.8-bookworm" is not PUBLIC=LOCAL (e.g. postgres:15.8-bookworm=ade-local/postgres:15-1)\n');
        expect(fs.existsSync(file)).to.equal(false);
    });

    it("prints the map as written", () => {
        mirrors(["ade-local/node:18-1"], ["write", file, "node:22-bookworm-slim=ade-local/node:18-1"]);
        const result = mirrors([], ["print", file]);
        expect(result.status).to.equal(0);
        expect(result.stdout).to.equal(map({ "node:22-bookworm-slim": "ade-local/node:18-1" }));
    });

    it("says how to make the map when there is none to print", () => {
        const result = mirrors([], ["print", file]);
        expect(result.status).to.equal(1);
        expect(result.stderr).to.equal(`[build-images] ERROR: ${file}: no mirror map yet; run toolchain/build-images.sh to write it\n`);
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
