import { expect } from "chai";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../../core/errors";
import { ROOT } from "../../tests/mocks";
import type { ImageToBuild } from "../../release/build";
import type { ReleaseImage } from "../../release/records";
import { release } from "./release";
import { versionBump } from "./version";

/** Every file under `dir` but .git, with a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            if (entry.name === ".git") continue;
            if (entry.isDirectory()) walk(full);
            else files[path.relative(dir, full)] = crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex");
        }
    };
    walk(dir);
    return files;
}

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("ade version bump and ade release write every file or none", () => {
    let root: string;
    const output: string[] = [];
    const write = (t: string) => void output.push(t);
    /** The images the release asked to build; no Docker involved. */
    const built: string[] = [];
    const fakeBuild = (images: readonly ImageToBuild[]): Promise<ReleaseImage[]> => {
        built.push(...images.map((i) => i.ref));
        return Promise.resolve(images.map((i) => ({ service: i.service, ref: i.ref, digest: DIGEST })));
    };
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ade-version-"));
        for (const file of ["Pulumi.yaml", "Pulumi.development.yaml", "Pulumi.testing.yaml", "Pulumi.production.yaml", "CHANGELOG.md"]) {
            fs.copyFileSync(path.join(ROOT, file), path.join(root, file));
        }
        fs.writeFileSync(path.join(root, "VERSION"), "0.1.0\n");
        output.length = 0;
        built.length = 0;
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    async function refused(run: () => Promise<unknown>): Promise<UserError> {
        try {
            await run();
        } catch (error) {
            if (error instanceof UserError) return error;
            throw error;
        }
        throw new Error("the command succeeded");
    }

    /** Files only a release reads: the ledgers (what stacks could roll back to) and the release records. */
    const releaseOnly: { title: string; setup: () => void; message: () => string }[] = [
        {
            title: "a corrupt release ledger",
            setup: () => {
                fs.mkdirSync(path.join(root, ".ade", "releases"), { recursive: true });
                fs.writeFileSync(path.join(root, ".ade", "releases", "development.json"), "{bad");
            },
            message: () =>
                `${path.join(root, ".ade", "releases", "development.json")}: not valid JSON; it records which updates verified healthy: fix it or move it away`,
        },
        {
            title: "a ledger of the wrong shape",
            setup: () => {
                fs.mkdirSync(path.join(root, ".ade", "releases"), { recursive: true });
                fs.writeFileSync(path.join(root, ".ade", "releases", "development.json"), '{"verified": 5}');
            },
            message: () =>
                `${path.join(root, ".ade", "releases", "development.json")}: not a release ledger (expected {"verified": [...]}); it records which updates verified healthy: fix it or move it away`,
        },
        {
            title: "corrupt release records",
            setup: () => fs.writeFileSync(path.join(root, "releases.json"), '{"releases": [{"version": "1.0.0"}]}'),
            message: () =>
                `${path.join(root, "releases.json")}: releases.0.date: Invalid input: expected string, received undefined; it records every release's images: fix it (git checkout releases.json) and run the release again`,
        },
    ];
    const broken: { title: string; setup: () => void; message: () => string }[] = [
        {
            title: "a read-only development stack file",
            setup: () => fs.chmodSync(path.join(root, "Pulumi.development.yaml"), 0o444),
            message: () =>
                `${path.join(root, "Pulumi.development.yaml")}: is read-only (mode 0444), so ade leaves it alone: make it writable (chmod u+w ${path.join(root, "Pulumi.development.yaml")}) if it should change, then run the command again`,
        },
        {
            title: "a directory where the development stack file should be",
            setup: () => {
                fs.rmSync(path.join(root, "Pulumi.development.yaml"));
                fs.mkdirSync(path.join(root, "Pulumi.development.yaml"));
            },
            message: () => `${path.join(root, "Pulumi.development.yaml")}: is a directory, not a file: move it away, then create it with: pulumi stack init development`,
        },
        {
            title: "an undefined alias in the development stack file",
            setup: () => fs.appendFileSync(path.join(root, "Pulumi.development.yaml"), "other: *nowhere\n"),
            message: () => `${path.join(root, "Pulumi.development.yaml")}: the alias *nowhere has no anchor &nowhere before it: define the anchor first or write the value out`,
        },
    ];
    for (const b of broken) {
        it(`version bump: refuses ${b.title}, VERSION and the stack file byte-identical`, async () => {
            b.setup();
            const before = snapshot(root);
            const error = await refused(() => versionBump({ level: "patch", root, write }));
            expect(error.message).to.equal(b.message());
            expect(snapshot(root)).to.deep.equal(before);
            expect(output).to.deep.equal([]);
        });
    }

    for (const b of [...releaseOnly, ...broken]) {
        it(`release: refuses ${b.title} before building anything, every file byte-identical`, async () => {
            b.setup();
            const before = snapshot(root);
            const error = await refused(() => release({ level: "minor", description: "Visits counter", root, git: false, date: "2025-01-02", write, build: fakeBuild }));
            expect(error.message).to.equal(b.message());
            expect(snapshot(root)).to.deep.equal(before);
            expect(built).to.deep.equal([]);
        });
    }

    it("release: builds each service once and records its image by digest in releases.json and CHANGELOG.md", async () => {
        const result = await release({ level: "minor", description: "Visits counter", root, git: false, date: "2025-01-02", write, build: fakeBuild });
        expect(built).to.deep.equal(["ade/api:0.2.0"]);
        expect(result.record).to.deep.equal({ version: "0.2.0", date: "2025-01-02", description: "Visits counter", images: [{ service: "api", ref: "ade/api:0.2.0", digest: DIGEST }] });
        expect(JSON.parse(fs.readFileSync(path.join(root, "releases.json"), "utf8"))).to.deep.equal({ releases: [result.record] });
        expect(fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8")).to.include(`## 0.2.0 - 2025-01-02\n\nVisits counter\n\n- api: \`ade/api:0.2.0\` (${DIGEST})\n`);
        expect(fs.readFileSync(path.join(root, "VERSION"), "utf8")).to.equal("0.2.0\n");
    });

    it("release: a commit that git refuses (a failing pre-commit hook) puts every file back", async () => {
        git(root, "init", "--quiet");
        git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".");
        git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "start");
        fs.writeFileSync(path.join(root, ".git", "hooks", "pre-commit"), "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", { mode: 0o755 });
        const before = snapshot(root);
        const error = await refused(() => release({ level: "minor", description: "Visits counter", root, date: "2025-01-02", write, build: fakeBuild }));
        expect(error.message).to.match(/^git commit --quiet --only -m release 0\.2\.0: Visits counter -- VERSION CHANGELOG\.md Pulumi\.development\.yaml releases\.json failed: hook says no; release 0\.2\.0 was not made: every file is as it was$/);
        expect(snapshot(root)).to.deep.equal(before);
        expect(git(root, "tag", "--list")).to.equal("");
    });

    it("bumps VERSION and the development stack together when everything is in order", async () => {
        const bump = await versionBump({ level: "minor", root, write });
        expect(bump).to.deep.equal({ from: "0.1.0", to: "0.2.0" });
        expect(fs.readFileSync(path.join(root, "VERSION"), "utf8")).to.equal("0.2.0\n");
        expect(fs.readFileSync(path.join(root, "Pulumi.development.yaml"), "utf8")).to.include("  ade:version: 0.2.0\n");
        expect(output).to.deep.equal(["version 0.1.0 -> 0.2.0 (VERSION, development stack ade:version)\n"]);
        expect(fs.existsSync(path.join(root, ".ade"))).to.equal(false);
    });
});
