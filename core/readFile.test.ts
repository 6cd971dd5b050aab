import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "./errors";
import { MAX_READ_BYTES, readTextFile, readTextFileIfExists } from "./readFile";

describe("core files: reading", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-files-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const fix = "create it with: echo 0.1.0 > VERSION";
    const cases: { title: string; setup: (file: string) => string; named?: boolean; message: (file: string) => string }[] = [
        { title: "a missing file", setup: (f) => f, message: (f) => `${f}: no such file (${fix})` },
        {
            title: "a directory in a file's place",
            setup: (f) => (fs.mkdirSync(f), f),
            message: (f) => `${f}: is a directory, not a file: move it away, then ${fix}`,
        },
        {
            title: "a directory the user named",
            setup: (f) => (fs.mkdirSync(f), f),
            named: true,
            message: (f) => `${f}: is a directory, not a file (${fix})`,
        },
        {
            title: "a named pipe (without waiting for a writer)",
            setup: (f) => (execFileSync("mkfifo", [f]), f),
            message: (f) => `${f}: is not a regular file (a device, pipe or socket), and ade reads regular files only (${fix})`,
        },
        {
            title: "a device that never ends (/dev/zero)",
            setup: () => "/dev/zero",
            message: () => `/dev/zero: is not a regular file (a device, pipe or socket), and ade reads regular files only (${fix})`,
        },
        {
            title: "a file over 1 MiB",
            setup: (f) => (fs.writeFileSync(f, Buffer.alloc(MAX_READ_BYTES + 1, "a")), f),
            message: (f) => `${f}: is larger than 1 MiB, the most ade reads (${fix})`,
        },
        {
            title: "a file where a folder on the path should be",
            setup: (f) => (fs.writeFileSync(f, "x"), path.join(f, "inner")),
            message: (f) => `${f}: a folder on its path is a file (${path.dirname(f)}): move that file away, then ${fix}`,
        },
        {
            title: "a loop of symbolic links",
            setup: (f) => (fs.symlinkSync(`${f}.b`, f), fs.symlinkSync(f, `${f}.b`), f),
            message: (f) => `${f}: is a loop of symbolic links: point it at a real file`,
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.title} with one line`, () => {
            const file = c.setup(path.join(dir, "VERSION"));
            expect(() => readTextFile(file, { fix, named: c.named }))
                .to.throw(UserError)
                .with.property("message", c.message(file));
        });
    }

    it("reads a file of exactly 1 MiB, and text through a symbolic link", () => {
        const file = path.join(dir, "big");
        fs.writeFileSync(file, Buffer.alloc(MAX_READ_BYTES, "a"));
        expect(readTextFile(file)).to.have.length(MAX_READ_BYTES);
        fs.writeFileSync(path.join(dir, "real"), "0.1.0\n");
        fs.symlinkSync("real", path.join(dir, "link"));
        expect(readTextFile(path.join(dir, "link"))).to.equal("0.1.0\n");
    });

    it("tells a missing file apart without throwing", () => {
        expect(readTextFileIfExists(path.join(dir, "absent"))).to.equal(undefined);
    });
});
