/**
 * Bad input against the real `ade` CLI and the real Pulumi engine: whatever a
 * careless or hostile user puts where a file, a stack name or a value should
 * be ends in exit code 1, one line that names the problem and the fix, no
 * stack trace, and every file of the project byte-identical. Also the writes
 * that must be all-or-nothing (the project lock, restores, links) and the
 * program's own checks at `pulumi preview`. No Docker: config only.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { acquireLock, lockPath } from "../../core/lock";
import { backups, CliProjects, Project, snapshot, stackPath } from "./cliProject";

const PROJECT = "ade-e2e-badinput";
const projects = new CliProjects(PROJECT);
const BACKUP_NAME = (stack: string) => `2025-01-01T00-00-00.000Z-Pulumi.${stack}.yaml`;

/** Puts `text` in the stack's backup folder under a backup's name and returns its path relative to the project. */
function placeBackup(p: Project, stack: string, text: string): string {
    const dir = path.join(p.dir, ".ade", "backups", stack);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, BACKUP_NAME(stack)), text);
    return path.join(".ade", "backups", stack, BACKUP_NAME(stack));
}

/** A development change, so that a promotion to testing has something to write. */
function changeDevelopment(p: Project): void {
    projects.editStack(p, "development", (set) => set(["services", "api", "healthPath"], "/healthz"));
}

describe("bad input: one line, exit 1, nothing changed (real ade CLI and Pulumi engine)", function () {
    before(() => projects.setUp());
    after(() => projects.cleanUp());

    let sleeper: ChildProcess | undefined;
    afterEach(() => {
        sleeper?.kill();
        sleeper = undefined;
    });

    interface BadInput {
        readonly title: string;
        readonly setup?: (p: Project) => void;
        readonly args: (p: Project) => string[];
        readonly env?: NodeJS.ProcessEnv;
        /** The whole of standard error, one line. */
        readonly stderr: (p: Project) => string;
    }

    const cases: BadInput[] = [
        {
            title: "a directory where the destination's stack file should be",
            setup: (p) => {
                fs.rmSync(stackPath(p, "testing"));
                fs.mkdirSync(stackPath(p, "testing"));
            },
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: (p) => `ade: ${stackPath(p, "testing")}: is a directory, not a file: move it away, then create it with: pulumi stack init testing\n`,
        },
        {
            title: "a directory where VERSION should be",
            setup: (p) => fs.mkdirSync(path.join(p.dir, "VERSION")),
            args: () => ["version", "bump", "patch"],
            stderr: (p) => `ade: ${path.join(p.dir, "VERSION")}: is a directory, not a file: move it away, then create it with the version now released, e.g.: echo 0.1.0 > VERSION\n`,
        },
        {
            title: "a directory given as the .env file",
            setup: (p) => fs.mkdirSync(path.join(p.dir, "legacy.env")),
            args: () => ["env", "import", "testing", "legacy.env", "--yes"],
            stderr: () => "ade: legacy.env: is a directory, not a file (name the .env file to import)\n",
        },
        {
            title: "a file where .ade/backups should be",
            setup: (p) => {
                changeDevelopment(p);
                fs.mkdirSync(path.join(p.dir, ".ade"));
                fs.writeFileSync(path.join(p.dir, ".ade", "backups"), "not a folder\n");
            },
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: (p) =>
                `ade: ${path.join(p.dir, ".ade", "backups")}: is a file where ade keeps a folder (${path.join(p.dir, ".ade", "backups", "testing")}): move it away and run the command again\n`,
        },
        {
            title: "an undefined YAML alias in the source stack file",
            setup: (p) => fs.appendFileSync(stackPath(p, "development"), "extra: *nowhere\n"),
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: (p) => `ade: ${stackPath(p, "development")}: the alias *nowhere has no anchor &nowhere before it: define the anchor first or write the value out\n`,
        },
        {
            title: "an alias bomb in a stack file",
            setup: (p) => {
                const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
                for (const [i, name] of ["b", "c", "d", "e"].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcd"[i] ?? ""}`).join(", ")}]`);
                fs.writeFileSync(stackPath(p, "testing"), `${levels.join("\n")}\n${fs.readFileSync(stackPath(p, "testing"), "utf8")}`);
            },
            args: () => ["diff", "development", "testing"],
            stderr: (p) => `ade: ${stackPath(p, "testing")}: its YAML aliases expand to more than 100 copies (an alias bomb?): write the values out instead of aliasing them\n`,
        },
        {
            title: "/dev/zero as the .env file (read without hanging)",
            args: () => ["env", "import", "testing", "/dev/zero", "--yes"],
            stderr: () => "ade: /dev/zero: is not a regular file (a device, pipe or socket), and ade reads regular files only (name the .env file to import)\n",
        },
        {
            title: "a .env file over 1 MiB",
            setup: (p) => fs.writeFileSync(path.join(p.dir, "huge.env"), `LOG_LEVEL=${"a".repeat(2 * 1024 * 1024)}\n`),
            args: () => ["env", "import", "testing", "huge.env", "--yes"],
            stderr: () => "ade: huge.env: is larger than 1 MiB, the most ade reads (name the .env file to import)\n",
        },
        {
            title: "a typo in the source stack",
            args: () => ["promote", "developmnt", "testing", "--yes"],
            stderr: () => 'ade: unknown source stack "developmnt" (known: development, production, testing); did you mean development? (or create it with: pulumi stack init developmnt)\n',
        },
        {
            title: "a destination stack the project does not have (before any talk of directions)",
            args: () => ["promote", "development", "staging"],
            stderr: () => 'ade: unknown destination stack "staging" (known: development, production, testing); create it with: pulumi stack init staging\n',
        },
        {
            title: "a stack name with a right-to-left override, printed escaped",
            args: () => ["promote", "development", "test\u202Eing"],
            stderr: () => 'ade: unknown destination stack "test\\u{202E}ing" (known: development, production, testing); did you mean testing? (or create it with: pulumi stack init test\\u{202E}ing)\n',
        },
        {
            title: "a read-only destination stack file",
            setup: (p) => {
                changeDevelopment(p);
                fs.chmodSync(stackPath(p, "testing"), 0o444);
            },
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: (p) =>
                `ade: ${stackPath(p, "testing")}: is read-only (mode 0444), so ade leaves it alone: make it writable (chmod u+w ${stackPath(p, "testing")}) if it should change, then run the command again\n`,
        },
        {
            title: "a read-only development stack file on ade version bump (VERSION stays as it was)",
            setup: (p) => {
                fs.writeFileSync(path.join(p.dir, "VERSION"), "0.1.0\n");
                fs.chmodSync(stackPath(p, "development"), 0o444);
            },
            args: () => ["version", "bump", "patch"],
            stderr: (p) =>
                `ade: ${stackPath(p, "development")}: is read-only (mode 0444), so ade leaves it alone: make it writable (chmod u+w ${stackPath(p, "development")}) if it should change, then run the command again\n`,
        },
        {
            title: "corrupt release records on ade release (nothing is built, every file stays as it was)",
            setup: (p) => {
                fs.writeFileSync(path.join(p.dir, "VERSION"), "0.1.0\n");
                fs.writeFileSync(path.join(p.dir, "releases.json"), '{"releases": 5}');
            },
            args: () => ["release", "minor", "Visits counter", "--no-git"],
            stderr: (p) =>
                `ade: ${path.join(p.dir, "releases.json")}: releases: Invalid input: expected array, received number; it records every release's images: fix it (git checkout releases.json) and run the release again\n`,
        },
        {
            title: "a corrupt release ledger on ade release (VERSION, CHANGELOG.md and the stack file stay as they were)",
            setup: (p) => {
                fs.writeFileSync(path.join(p.dir, "VERSION"), "0.1.0\n");
                fs.writeFileSync(path.join(p.dir, "CHANGELOG.md"), "# Changelog\n");
                fs.mkdirSync(path.join(p.dir, ".ade", "releases"), { recursive: true });
                fs.writeFileSync(path.join(p.dir, ".ade", "releases", "development.json"), '{"verified": "yes"}');
            },
            args: () => ["release", "minor", "Visits counter", "--no-git"],
            stderr: (p) =>
                `ade: ${path.join(p.dir, ".ade", "releases", "development.json")}: not a release ledger (expected {"verified": [...]}); it records which updates verified healthy: fix it or move it away\n`,
        },
        {
            title: "a restore of testing's file as production (its secrets would not decrypt)",
            setup: (p) => void placeBackup(p, "production", fs.readFileSync(stackPath(p, "testing"), "utf8")),
            args: () => ["promote", "--restore", path.join(".ade", "backups", "production", BACKUP_NAME("production")), "--yes"],
            stderr: () =>
                `ade: .ade/backups/production/${BACKUP_NAME("production")}: its secrets are encrypted for another stack or key (encryptionsalt differs from Pulumi.production.yaml), so they would not decrypt with production's passphrase: restore a backup of production from .ade/backups/production/\n`,
        },
        {
            title: "a restore of a file holding config: {}",
            setup: (p) => void placeBackup(p, "testing", "config: {}\n"),
            args: () => ["promote", "--restore", path.join(".ade", "backups", "testing", BACKUP_NAME("testing")), "--yes"],
            stderr: () => `ade: .ade/backups/testing/${BACKUP_NAME("testing")}: is not a stack file of project ${PROJECT}: it has no ${PROJECT}: config keys, so restoring it would empty the stack's config\n`,
        },
        {
            title: "a restore of a file from outside the stack's backup folder",
            setup: (p) => fs.writeFileSync(path.join(p.dir, BACKUP_NAME("testing")), fs.readFileSync(stackPath(p, "testing"))),
            args: () => ["promote", "--restore", BACKUP_NAME("testing"), "--yes"],
            stderr: () =>
                `ade: ${BACKUP_NAME("testing")}: is not in .ade/backups/testing/, where ade keeps the backups of stack testing: restore one of those, or pass --allow-outside-backups to restore this file anyway\n`,
        },
        {
            title: "a restore of a file named like no backup",
            setup: (p) => fs.writeFileSync(path.join(p.dir, "old.yaml"), fs.readFileSync(stackPath(p, "testing"))),
            args: () => ["promote", "--restore", "old.yaml", "--yes"],
            stderr: () => "ade: old.yaml: not an ade backup (expected <UTC timestamp>-Pulumi.<stack>.yaml from .ade/backups/<stack>/)\n",
        },
    ];

    for (const c of cases) {
        it(`refuses ${c.title}`, () => {
            const project = projects.make();
            c.setup?.(project);
            const files = snapshot(project);
            const run = projects.ade(project, c.args(project), c.env);
            expect(run.stderr).to.equal(c.stderr(project));
            expect(run.status, run.stdout).to.equal(1);
            expect(snapshot(project)).to.deep.equal(files);
        });
    }

    it("refuses a second command while another holds the project's lock, naming it; nothing changes", () => {
        const project = projects.make();
        changeDevelopment(project);
        sleeper = spawn("sleep", ["120"], { stdio: "ignore" });
        const holder = acquireLock(project.dir, "ade env import testing legacy.env", { pid: sleeper.pid as number });
        const files = snapshot(project);
        const run = projects.ade(project, ["promote", "development", "testing", "--yes"]);
        expect(run.stderr).to.equal(
            `ade: another ade command is changing this project: pid ${holder.pid} (ade env import testing legacy.env), running since ${holder.started}; ` +
                `wait for it to finish and run the command again (if that process is gone, remove ${lockPath(project.dir)})\n`,
        );
        expect(run.status).to.equal(1);
        expect(snapshot(project)).to.deep.equal(files);
    });

    it("takes over a lock whose process is gone, says so, and writes", () => {
        const project = projects.make();
        changeDevelopment(project);
        const gone = spawn("true");
        const pid = gone.pid as number;
        return new Promise<void>((resolve) => gone.on("close", () => resolve())).then(() => {
            const stale = acquireLock(project.dir, "ade release minor x", { pid });
            const run = projects.ade(project, ["promote", "development", "testing", "--yes"]);
            expect(run.stderr).to.equal(`ade: note: took over a stale lock of pid ${pid} (ade release minor x, since ${stale.started}): that process is gone\n`);
            expect(run.status).to.equal(0);
            expect(projects.stackValues(project, "testing")["services"].api.healthPath).to.equal("/healthz");
            expect(fs.existsSync(lockPath(project.dir))).to.equal(false);
        });
    });

    it("never loses a write when promote and env import change one stack at once", async () => {
        const project = projects.make();
        changeDevelopment(project);
        fs.writeFileSync(path.join(project.dir, "legacy.env"), "PROMETHEUS_RETENTION_DAYS=9\n");
        const [promote, envImport] = await Promise.all([
            projects.adeAsync(project, ["promote", "development", "testing", "--yes"]),
            projects.adeAsync(project, ["env", "import", "testing", "legacy.env", "--yes"]),
        ]);
        const testing = projects.stackValues(project, "testing");
        const lockRefusal = /^ade: another ade command is changing this project: pid \d+ \(ade (promote development testing|env import testing legacy\.env)\), running since .*\n$/;
        for (const [run, landed] of [
            [promote, testing["services"].api.healthPath === "/healthz"],
            [envImport, testing["monitoring"].prometheus.retentionDays === 9],
        ] as const) {
            // Each command either wrote, and its change is in the file, or was refused by the lock and said so.
            if (run.status === 0) expect(landed, run.stdout).to.equal(true);
            else expect(run.stderr).to.match(lockRefusal);
        }
        expect([promote.status, envImport.status]).to.include(0);
        expect(fs.existsSync(lockPath(project.dir))).to.equal(false);
    });

    it("writes through a symbolic link to the stack file instead of replacing the link", async () => {
        const project = projects.make();
        changeDevelopment(project);
        const real = path.join(project.dir, "stacks-shared", "testing.yaml");
        fs.mkdirSync(path.dirname(real));
        fs.renameSync(stackPath(project, "testing"), real);
        fs.symlinkSync(path.join("stacks-shared", "testing.yaml"), stackPath(project, "testing"));
        const before = projects.secretValues(await projects.decrypted(project, "testing"));
        const run = projects.ade(project, ["promote", "development", "testing", "--yes"]);
        expect(run.stderr).to.equal("");
        expect(run.status).to.equal(0);
        expect(fs.lstatSync(stackPath(project, "testing")).isSymbolicLink()).to.equal(true);
        expect(fs.readFileSync(real, "utf8")).to.include("healthPath: /healthz");
        expect(projects.secretValues(await projects.decrypted(project, "testing"))).to.deep.equal(before);
    });

    it("imports an empty .env file as nothing: no write, no backup, and says so", () => {
        const project = projects.make();
        fs.writeFileSync(path.join(project.dir, "empty.env"), "# nothing here\n\n");
        const files = snapshot(project);
        const run = projects.ade(project, ["env", "import", "testing", "empty.env", "--yes"]);
        expect(run.stdout).to.equal("Nothing to import: empty.env sets no variables; nothing was written.\n");
        expect(run.status, run.stderr).to.equal(0);
        expect(snapshot(project)).to.deep.equal(files);
    });

    it("restores a backup of the stack only after showing the difference, and only with --yes", () => {
        const project = projects.make();
        const original = fs.readFileSync(stackPath(project, "testing"), "utf8");
        const backup = placeBackup(project, "testing", original.replace("retentionDays: 7", "retentionDays: 5"));
        const files = snapshot(project);
        const shown = projects.ade(project, ["promote", "--restore", backup]);
        expect(shown.status, shown.stderr).to.equal(0);
        expect(shown.stdout).to.include("  ~ monitoring.prometheus.retentionDays [env]: 7 | 5\n");
        expect(shown.stdout).to.include(`Nothing was written (no terminal to confirm on): re-run with --yes to write: ade promote --restore ${backup} --yes\n`);
        expect(snapshot(project)).to.deep.equal(files);

        const restored = projects.ade(project, ["promote", "--restore", backup, "--yes"]);
        expect(restored.status, restored.stderr).to.equal(0);
        expect(fs.readFileSync(stackPath(project, "testing"), "utf8")).to.equal(original.replace("retentionDays: 7", "retentionDays: 5"));
        const [kept] = backups(project, "testing").filter((f) => !f.endsWith(BACKUP_NAME("testing")));
        expect(fs.readFileSync(kept as string, "utf8")).to.equal(original);
    });

    it("prints a huge value cut short and a bidi character escaped in a promotion plan", () => {
        const project = projects.make();
        projects.editStack(project, "development", (set) => set(["services", "api", "env"], { LOG_FORMAT: `json\u202E${"x".repeat(200_000)}` }));
        const run = projects.ade(project, ["promote", "development", "testing"]);
        expect(run.status, run.stderr).to.equal(0);
        // 120 characters shown: the quote, "json", the 8 of \u{202E} and 107 x; the rest of the 200,014 counted.
        expect(run.stdout).to.include(`    + services.api.env.LOG_FORMAT: "json\\u{202E}${"x".repeat(107)}… (${200_014 - 120} more characters)\n`);
        expect(run.stdout).to.not.include("\u202E");
        expect(run.stdout.length).to.be.below(5000);
    });

    it("refuses ade deploy of production when production's file says testing", () => {
        const project = projects.make();
        projects.editStack(project, "production", (set) => {
            set(["environment"], "testing");
            set(["monitoring", "grafana", "anonymousAccess"], true);
        });
        const files = snapshot(project);
        const run = projects.ade(project, ["deploy", "production", "--skip-tests"]);
        expect(run.status).to.equal(1);
        expect(run.stderr).to.equal(
            [
                'ade: Stack "production" has invalid config (2 problems):',
                '  environment: stack "production" is the production environment, its name decides that (got "testing"): set it back with: pulumi config set environment production --stack production',
                "  monitoring.grafana.anonymousAccess: must be false (got true) [production]",
                "Fix each value with `pulumi config set --path <key> <value> --stack production` (secrets with --secret), then run the command again.",
                "",
            ].join("\n"),
        );
        expect(snapshot(project)).to.deep.equal(files);
    });

    describe("the program's own checks at pulumi preview", () => {
        const previewCases: { title: string; stack: string; edit: (p: Project) => void; lines: string[] }[] = [
            {
                title: "holds production to production's rules whatever ade:environment says",
                stack: "production",
                edit: (p) =>
                    projects.editStack(p, "production", (set) => {
                        set(["environment"], "testing");
                        set(["debug", "logLevel"], "debug");
                        set(["monitoring", "prometheus", "bindAddress"], "0.0.0.0");
                    }),
                lines: [
                    'environment: stack "production" is the production environment, its name decides that (got "testing"): set it back with: pulumi config set environment production --stack production',
                    'debug.logLevel: must not be debug (got "debug") [production]',
                    'monitoring.prometheus.bindAddress: must be 127.0.0.1: only the application\'s public entry leaves loopback (got "0.0.0.0") [production]',
                ],
            },
            {
                title: "answers a mistyped key itself, with the key that was meant (not the engine's 'missing monitoring')",
                stack: "testing",
                edit: (p) => fs.writeFileSync(stackPath(p, "testing"), fs.readFileSync(stackPath(p, "testing"), "utf8").replace(`${PROJECT}:monitoring:`, `${PROJECT}:monitring:`)),
                lines: ["monitring: unknown key; did you mean monitoring? (rename it in Pulumi.testing.yaml)"],
            },
            {
                title: "refuses a host port another stack of the project publishes",
                stack: "testing",
                edit: (p) => projects.editStack(p, "testing", (set) => set(["monitoring", "grafana", "hostPort"], 13000)),
                lines: [
                    "monitoring.grafana.hostPort: port 13000 is already published by stack development (monitoring.grafana.hostPort on 127.0.0.1); the project's stacks share one Docker host: choose a free port with: pulumi config set --path monitoring.grafana.hostPort <port> --stack testing",
                ],
            },
        ];
        for (const c of previewCases) {
            it(c.title, () => {
                const project = projects.make({ program: true });
                const init = projects.pulumi(project, c.stack, ["stack", "init", "--secrets-provider", "passphrase"]);
                expect(init.status, init.stderr).to.equal(0);
                c.edit(project);
                const preview = projects.pulumi(project, c.stack, ["preview"]);
                const output = preview.stdout + preview.stderr;
                expect(preview.status, output).to.not.equal(0);
                for (const line of c.lines) expect(output).to.include(`      ${line}\n`);
                expect(output).to.not.include("is missing configuration value");
            });
        }
    });
});
