import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "./errors";
import { ensureDirectory, writeFileAtomic, writeFiles } from "./writeFiles";

/** Every file under `dir` (links as links) with its content, to prove a failed write changed nothing. */
function tree(dir: string): Record<string, string> {
    const found: Record<string, string> = {};
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            const key = path.relative(dir, full);
            if (entry.isSymbolicLink()) found[key] = `-> ${fs.readlinkSync(full)}`;
            else if (entry.isDirectory()) {
                found[`${key}/`] = "";
                walk(full);
            } else found[key] = `${(fs.statSync(full).mode & 0o777).toString(8)} ${fs.readFileSync(full, "utf8")}`;
        }
    };
    walk(dir);
    return found;
}

describe("core files: writing", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-files-"));
        fs.writeFileSync(path.join(dir, "VERSION"), "0.1.0\n");
        fs.writeFileSync(path.join(dir, "Pulumi.development.yaml"), "config: {}\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes through a symbolic link: the link stays, its target changes", () => {
        fs.mkdirSync(path.join(dir, "shared"));
        fs.renameSync(path.join(dir, "Pulumi.development.yaml"), path.join(dir, "shared", "dev.yaml"));
        fs.symlinkSync(path.join("shared", "dev.yaml"), path.join(dir, "Pulumi.development.yaml"));
        writeFileAtomic(path.join(dir, "Pulumi.development.yaml"), "config:\n  ade:version: 0.2.0\n");
        expect(fs.lstatSync(path.join(dir, "Pulumi.development.yaml")).isSymbolicLink()).to.equal(true);
        expect(fs.readFileSync(path.join(dir, "shared", "dev.yaml"), "utf8")).to.equal("config:\n  ade:version: 0.2.0\n");
        expect(fs.readdirSync(path.join(dir, "shared"))).to.deep.equal(["dev.yaml"]);
    });

    const refusals: { title: string; setup: () => string; message: (file: string) => string }[] = [
        {
            title: "a file the user made read-only (mode 0444), even as root",
            setup: () => (fs.chmodSync(path.join(dir, "VERSION"), 0o444), path.join(dir, "VERSION")),
            message: (f) => `${f}: is read-only (mode 0444), so ade leaves it alone: make it writable (chmod u+w ${f}) if it should change, then run the command again`,
        },
        {
            title: "a read-only file behind a symbolic link",
            setup: () => {
                fs.chmodSync(path.join(dir, "VERSION"), 0o444);
                fs.symlinkSync("VERSION", path.join(dir, "link"));
                return path.join(dir, "link");
            },
            message: () =>
                `${path.join(dir, "VERSION")}: is read-only (mode 0444), so ade leaves it alone: make it writable (chmod u+w ${path.join(dir, "VERSION")}) if it should change, then run the command again`,
        },
        {
            title: "a directory in the file's place",
            setup: () => (fs.mkdirSync(path.join(dir, "CHANGELOG.md")), path.join(dir, "CHANGELOG.md")),
            message: (f) => `${f}: is a directory, not a file: move it away and run the command again`,
        },
        {
            title: "a file where its folder should be",
            setup: () => (fs.writeFileSync(path.join(dir, ".ade"), "x"), path.join(dir, ".ade", "backups", "testing", "b.yaml")),
            message: () => `${path.join(dir, ".ade")}: is a file where ade keeps a folder (${path.join(dir, ".ade", "backups", "testing")}): move it away and run the command again`,
        },
    ];
    for (const r of refusals) {
        it(`refuses ${r.title}, changing no file`, () => {
            const file = r.setup();
            const before = tree(dir);
            expect(() => writeFiles([{ file: path.join(dir, "Pulumi.development.yaml"), text: "changed\n" }, { file, text: "changed\n" }]))
                .to.throw(UserError)
                .with.property("message", r.message(file));
            expect(tree(dir)).to.deep.equal(before);
        });
    }

    it("writes several files as one, creating missing folders, keeping each file's mode", () => {
        fs.chmodSync(path.join(dir, "VERSION"), 0o600);
        const written = writeFiles([
            { file: path.join(dir, "VERSION"), text: "0.2.0\n" },
            { file: path.join(dir, ".ade", "releases", "development.json"), text: "{}\n" },
            { file: path.join(dir, ".ade", "backups", "development", "b.yaml"), text: "config: {}\n", create: true },
        ]);
        expect(tree(dir)).to.deep.equal({
            ".ade/": "",
            ".ade/backups/": "",
            ".ade/backups/development/": "",
            ".ade/backups/development/b.yaml": "644 config: {}\n",
            ".ade/releases/": "",
            ".ade/releases/development.json": "644 {}\n",
            "Pulumi.development.yaml": "644 config: {}\n",
            VERSION: "600 0.2.0\n",
        });
        written.rollback();
        expect(tree(dir)).to.deep.equal({ "Pulumi.development.yaml": "644 config: {}\n", VERSION: "600 0.1.0\n" });
    });

    it("puts back every file already written when a later one fails half-way", () => {
        const before = tree(dir);
        const files = [path.join(dir, "VERSION"), path.join(dir, "Pulumi.development.yaml"), path.join(dir, ".ade", "new.json")];
        expect(() =>
            writeFiles(
                files.map((file) => ({ file, text: "changed\n" })),
                {
                    beforeInstall: (file) => {
                        if (file === files[2]) throw new Error("disk gone");
                    },
                },
            ),
        )
            .to.throw(UserError)
            .with.property("message", `${files[2]}: cannot be written: disk gone`);
        expect(tree(dir)).to.deep.equal(before);
    });

    it("never replaces a file it is to create", () => {
        const before = tree(dir);
        expect(() => writeFiles([{ file: path.join(dir, "VERSION"), text: "x", create: true }]))
            .to.throw(UserError)
            .with.property("message", `${path.join(dir, "VERSION")}: already exists; ade never overwrites it: move it away and run the command again`);
        expect(tree(dir)).to.deep.equal(before);
    });

    it("names a file in the way of a folder ade keeps", () => {
        fs.mkdirSync(path.join(dir, ".ade"));
        fs.writeFileSync(path.join(dir, ".ade", "backups"), "not a folder");
        expect(() => ensureDirectory(path.join(dir, ".ade", "backups", "testing")))
            .to.throw(UserError)
            .with.property("message", `${path.join(dir, ".ade", "backups")}: is a file where ade keeps a folder (${path.join(dir, ".ade", "backups", "testing")}): move it away and run the command again`);
    });
});
