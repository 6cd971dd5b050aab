/**
 * `ade promote`, `ade diff` and `ade env import` against the real Pulumi
 * engine: a temp copy of Pulumi.yaml and the stack files (renamed project, so
 * no key name is taken for granted), a private PULUMI_HOME and a temp file
 * backend. No Docker: only config is read, written and decrypted.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { backups, CliProjects, Project, Raw, SECRETS, secureLines, snapshot, stackPath } from "./cliProject";

const PROJECT = "ade-e2e-promote";
const projects = new CliProjects(PROJECT);
const makeProject = () => projects.make();
const editStack = projects.editStack.bind(projects);
const ade = projects.ade.bind(projects);
const decrypted = projects.decrypted.bind(projects);
const secretValues = projects.secretValues.bind(projects);
const stackValues = projects.stackValues.bind(projects);

describe("ade promote, diff and env import (real Pulumi engine)", function () {
    before(() => projects.setUp());
    after(() => projects.cleanUp());

    it("promotes development → testing: promotable keys copied, env-specific keys kept, testing's secrets decrypt to the same values", async () => {
        const project = makeProject();
        editStack(project, "development", (set) => {
            set(["version"], "0.2.0");
            set(["services", "api", "healthPath"], "/healthz");
            set(["services", "api", "env"], { LOG_FORMAT: "json" });
        });
        const originalText = fs.readFileSync(stackPath(project, "testing"), "utf8");
        const originalSecure = secureLines(project, "testing");
        const before = secretValues(await decrypted(project, "testing"));
        const developmentSecrets = secretValues(await decrypted(project, "development"));
        for (const key of SECRETS) expect(before[key], key).to.match(/^.{8,}$/);

        const run = ade(project, ["promote", "development", "testing", "--yes"]);
        expect(run.stderr).to.equal("");
        expect(run.status).to.equal(0);
        expect(run.stdout).to.include('    ~ version: "0.1.0" → "0.2.0"\n');
        expect(run.stdout).to.include('    + services.api.healthPath: "/healthz"\n');
        expect(run.stdout).to.include("    = services.api.hostPort: 28080 (development: 18080)\n");
        expect(run.stdout).to.include("    = databasePassword: testing keeps its own value (not shown)\n");
        for (const value of [...Object.values(before), ...Object.values(developmentSecrets)]) expect(run.stdout).to.not.include(value);

        const after = secretValues(await decrypted(project, "testing"));
        expect(after).to.deep.equal(before);
        expect(secureLines(project, "testing")).to.deep.equal(originalSecure);

        const testing = stackValues(project, "testing");
        expect(testing["version"]).to.equal("0.2.0");
        expect(testing["services"].api.healthPath).to.equal("/healthz");
        expect(testing["services"].api.env).to.deep.equal({ LOG_FORMAT: "json" });
        expect(testing["monitoring"].prometheus.scrapeIntervalSeconds).to.equal(5);
        expect(testing["environment"]).to.equal("testing");
        expect(testing["services"].api.hostPort).to.equal(28080);
        expect(testing["monitoring"].prometheus.retentionDays).to.equal(7);
        expect(testing["monitoring"].grafana.anonymousAccess).to.equal(false);
        expect(testing["database"]).to.deep.equal({ memoryMb: 256, cpus: 0.5 });
        expect(testing["debug"]).to.deep.equal({ logLevel: "info" });
        expect(testing["security"]).to.deep.equal({ hardened: true });

        const [backup, ...more] = backups(project, "testing");
        expect(more).to.deep.equal([]);
        expect(path.basename(backup as string)).to.match(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-Pulumi\.testing\.yaml$/);
        expect(fs.readFileSync(backup as string, "utf8")).to.equal(originalText);

        const restore = ade(project, ["promote", "--restore", backup as string, "--yes"]);
        expect(restore.status, restore.stderr).to.equal(0);
        expect(fs.readFileSync(stackPath(project, "testing"), "utf8")).to.equal(originalText);
        expect(backups(project, "testing")).to.have.length(2);
    });

    it("without --yes and without a terminal shows the plan, writes nothing and exits 0", () => {
        const project = makeProject();
        editStack(project, "development", (set) => set(["version"], "0.2.0"));
        const files = snapshot(project);
        const run = ade(project, ["promote", "development", "testing"]);
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.include('    ~ version: "0.1.0" → "0.2.0"\n');
        expect(run.stdout).to.include("Nothing was written (no terminal to confirm on): re-run with --yes to write: ade promote development testing --yes\n");
        expect(snapshot(project)).to.deep.equal(files);
    });

    it("diffs two stacks by file alone: no passphrase needed, secrets by presence only", () => {
        const project = makeProject();
        const run = ade(project, ["diff", "testing", "production"]);
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.include("  ~ services.api.hostPort [env]: 28080 | 30080\n");
        expect(run.stdout).to.include("    databasePassword: present in both (whether the values differ is unknown)\n");
    });

    it("imports a legacy .env: secrets encrypted with the stack's passphrase, plain keys in place, a backup first", async () => {
        const project = makeProject();
        const envFile = path.join(project.dir, "legacy.env");
        fs.writeFileSync(envFile, '# old compose file\nAPP_VERSION=0.3.0\nDB_NAME=ade_dev\nLOG_LEVEL=warn\nDB_PASSWORD="imported-db-pass-5e1f"\nAPP_SECRET_KEY=imported-app-key-77aa\n');
        const originalText = fs.readFileSync(stackPath(project, "development"), "utf8");
        const before = secretValues(await decrypted(project, "development"));

        const run = ade(project, ["env", "import", "development", envFile, "--yes"]);
        expect(run.stderr).to.equal("");
        expect(run.status).to.equal(0);
        expect(run.stdout).to.include("  DB_PASSWORD → databasePassword: secret (value not shown)\n");
        expect(run.stdout).to.not.include("imported-db-pass-5e1f");

        const text = fs.readFileSync(stackPath(project, "development"), "utf8");
        expect(text).to.not.include("imported-db-pass-5e1f");
        expect(text).to.not.include("imported-app-key-77aa");
        const values = parse(text) as { config: Raw; encryptionsalt: string };
        expect(Object.keys(values.config[`${PROJECT}:databasePassword`] as object)).to.deep.equal(["secure"]);
        expect(Object.keys(values.config[`${PROJECT}:appSecretKey`] as object)).to.deep.equal(["secure"]);
        expect(values.encryptionsalt).to.equal((parse(originalText) as { encryptionsalt: string }).encryptionsalt);
        expect(values.config[`${PROJECT}:version`]).to.equal("0.3.0");
        expect(values.config[`${PROJECT}:database`].name).to.equal("ade_dev");
        expect(values.config[`${PROJECT}:debug`].logLevel).to.equal("warn");

        const after = secretValues(await decrypted(project, "development"));
        expect(after).to.deep.equal({ databasePassword: "imported-db-pass-5e1f", grafanaAdminPassword: before["grafanaAdminPassword"], appSecretKey: "imported-app-key-77aa" });
        const [backup] = backups(project, "development");
        expect(fs.readFileSync(backup as string, "utf8")).to.equal(originalText);
    });

    interface Failure {
        readonly title: string;
        readonly setup?: (project: Project) => void;
        readonly args: (project: Project) => string[];
        readonly env?: NodeJS.ProcessEnv;
        readonly stderr: (project: Project) => string[];
    }

    const failures: Failure[] = [
        {
            title: "a promotion that breaks testing's schema",
            setup: (p) => editStack(p, "development", (set) => set(["services", "api", "healthPath"], "nope")),
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: () => ["ade: promoting development → testing would leave testing invalid; nothing was written.\n", '  services.api.healthPath: must start with / (got "nope")\n'],
        },
        {
            title: "a secret testing lacks",
            setup: (p) => editStack(p, "testing", (_set, del) => del(["appSecretKey"])),
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: () => ["  appSecretKey: missing secret (run: pulumi config set --secret appSecretKey <value> --stack testing)\n"],
        },
        {
            title: "a wrong passphrase",
            args: () => ["promote", "development", "testing", "--yes"],
            env: { ADE_PASSPHRASE_TESTING: "not-the-passphrase" },
            stderr: () => [
                'ade: stack "testing": incorrect passphrase, its secrets do not decrypt: set ADE_PASSPHRASE_TESTING (or PULUMI_CONFIG_PASSPHRASE) to the passphrase they were encrypted with\n',
            ],
        },
        {
            title: "a missing passphrase",
            args: () => ["promote", "testing", "production", "--yes"],
            stderr: () => ['ade: no passphrase for stack "production": set ADE_PASSPHRASE_PRODUCTION (or PULUMI_CONFIG_PASSPHRASE) to the passphrase its secrets are encrypted with\n'],
        },
        {
            title: "a malformed stack file",
            setup: (p) => fs.appendFileSync(stackPath(p, "development"), "  broken: [unclosed\n"),
            args: () => ["promote", "development", "testing", "--yes"],
            stderr: (p) => [`ade: ${stackPath(p, "development")}:`, "is not valid YAML: fix the line above"],
        },
        {
            title: "an unknown stack",
            args: () => ["promote", "development", "staging", "--yes", "--allow-any-direction"],
            stderr: () => ['ade: unknown destination stack "staging" (known: development, production, testing); create it with: pulumi stack init staging\n'],
        },
        {
            title: "a direction other than development → testing → production",
            args: () => ["promote", "testing", "development", "--yes"],
            stderr: () => ["pass --allow-any-direction to promote testing → development anyway\n"],
        },
        {
            title: "a malformed .env file",
            setup: (p) => fs.writeFileSync(path.join(p.dir, "legacy.env"), "APP_VERSION=0.3.0\nDB_PASSWORD hunter2\n"),
            args: (p) => ["env", "import", "development", path.join(p.dir, "legacy.env"), "--yes"],
            stderr: (p) => [`  ${path.join(p.dir, "legacy.env")}:2: not a NAME=value line`],
        },
        {
            title: "an unknown .env variable",
            setup: (p) => fs.writeFileSync(path.join(p.dir, "legacy.env"), "APP_VERSION=0.3.0\nREDIS_URL=redis://cache\n"),
            args: (p) => ["env", "import", "development", path.join(p.dir, "legacy.env"), "--yes"],
            stderr: () => ["  REDIS_URL: unknown .env variable (known: APP_VERSION,", "or pass --ignore-unknown to skip it\n"],
        },
        {
            title: "an .env import that breaks the schema",
            setup: (p) => fs.writeFileSync(path.join(p.dir, "legacy.env"), "API_PORT=70000\nDB_PASSWORD=never-written-3c9d\n"),
            args: (p) => ["env", "import", "development", path.join(p.dir, "legacy.env"), "--yes"],
            stderr: () => ["  services.api.port: must be 1-65535 (got 70000)\n"],
        },
    ];

    for (const f of failures) {
        it(`refuses ${f.title} with exit 1 and leaves every file byte-identical`, () => {
            const project = makeProject();
            f.setup?.(project);
            const files = snapshot(project);
            const run = ade(project, f.args(project), f.env);
            expect(run.status, run.stdout + run.stderr).to.equal(1);
            for (const part of f.stderr(project)) expect(run.stderr).to.include(part);
            expect(run.stderr).to.not.include("internal error");
            expect(run.stderr + run.stdout).to.not.include("never-written-3c9d");
            expect(snapshot(project)).to.deep.equal(files);
        });
    }
});
