import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "./errors";
import { acquireLock, lockPath, releaseLock, withProjectLock } from "./lock";

describe("core lock: one ade command at a time per project", () => {
    let root: string;
    let sleeper: ChildProcess | undefined;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ade-lock-"));
    });
    afterEach(() => {
        sleeper?.kill();
        sleeper = undefined;
        fs.rmSync(root, { recursive: true, force: true });
    });

    /** A process that is alive for the test's duration, to hold a lock. */
    function livePid(): number {
        sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
        return sleeper.pid as number;
    }

    /** The pid of a process that has exited. */
    function deadPid(): number {
        const done = spawnSync("true");
        return done.pid;
    }

    it("holds .ade/lock while the command runs and removes it (and the .ade it made) afterwards", async () => {
        const seen = await withProjectLock(root, "ade promote development testing", () => Promise.resolve(JSON.parse(fs.readFileSync(lockPath(root), "utf8")) as Record<string, unknown>));
        expect(seen).to.include({ pid: process.pid, command: "ade promote development testing", host: os.hostname() });
        expect(fs.existsSync(path.join(root, ".ade"))).to.equal(false);
    });

    it("refuses a second command while a live one holds the lock, naming the holder", () => {
        const pid = livePid();
        const holder = acquireLock(root, "ade env import testing legacy.env", { pid });
        expect(() => acquireLock(root, "ade promote development testing"))
            .to.throw(UserError)
            .with.property(
                "message",
                `another ade command is changing this project: pid ${pid} (ade env import testing legacy.env), running since ${holder.started}; ` +
                    `wait for it to finish and run the command again (if that process is gone, remove ${lockPath(root)})`,
            );
        expect(JSON.parse(fs.readFileSync(lockPath(root), "utf8"))).to.deep.equal(holder);
    });

    it("takes over a lock whose process is gone, with a note", () => {
        const pid = deadPid();
        const stale = acquireLock(root, "ade release minor x", { pid });
        const notes: string[] = [];
        const mine = acquireLock(root, "ade version bump patch", { note: (t) => notes.push(t) });
        expect(notes).to.deep.equal([`ade: note: took over a stale lock of pid ${pid} (ade release minor x, since ${stale.started}): that process is gone\n`]);
        expect(JSON.parse(fs.readFileSync(lockPath(root), "utf8"))).to.deep.equal(mine);
        expect(fs.readdirSync(path.join(root, ".ade"))).to.deep.equal(["lock"]);
    });

    it("takes over a lock whose pid now belongs to another process (a different start time)", () => {
        const pid = livePid();
        acquireLock(root, "ade deploy production", { pid });
        const file = lockPath(root);
        fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), processStart: "1" }));
        const notes: string[] = [];
        acquireLock(root, "ade deploy production", { note: (t) => notes.push(t) });
        expect(notes).to.have.length(1);
        expect(notes[0]).to.match(new RegExp(`^ade: note: took over a stale lock of pid ${pid} \\(ade deploy production, since `));
    });

    it("takes over a lock file that cannot be read, with a note", () => {
        fs.mkdirSync(path.join(root, ".ade"));
        fs.writeFileSync(lockPath(root), "garbage");
        const notes: string[] = [];
        acquireLock(root, "ade version bump patch", { note: (t) => notes.push(t) });
        expect(notes).to.deep.equal([`ade: note: took over ${lockPath(root)}, which could not be read (a lock no live command holds)\n`]);
    });

    it("lets a command run another inside it (deploy rolling back) without locking itself out", async () => {
        const inner = await withProjectLock(root, "ade deploy development", () => withProjectLock(root, "ade rollback development", () => Promise.resolve("ran")));
        expect(inner).to.equal("ran");
        expect(fs.existsSync(lockPath(root))).to.equal(false);
    });

    it("releases only its own lock", () => {
        const mine = acquireLock(root, "ade promote development testing");
        fs.rmSync(lockPath(root));
        const theirs = acquireLock(root, "ade env import testing x.env", { pid: livePid() });
        releaseLock(root, mine);
        expect(JSON.parse(fs.readFileSync(lockPath(root), "utf8"))).to.deep.equal(theirs);
    });

    it("releases the lock when the command fails", async () => {
        let caught: unknown;
        try {
            await withProjectLock(root, "ade promote development testing", () => Promise.reject(new UserError("refused")));
        } catch (error) {
            caught = error;
        }
        expect(caught).to.be.instanceOf(UserError);
        expect(fs.existsSync(lockPath(root))).to.equal(false);
    });
});
