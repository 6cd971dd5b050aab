import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../core/errors";
import { ROOT } from "../tests/mocks";
import { checkRestore } from "./restore";

const STACKS = ["development", "testing", "production"];
const BACKUP = "2025-01-01T00-00-00.000Z-Pulumi.production.yaml";

describe("restoring a stack file", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ade-restore-"));
        for (const file of ["Pulumi.yaml", ...STACKS.map((s) => `Pulumi.${s}.yaml`)]) fs.copyFileSync(path.join(ROOT, file), path.join(root, file));
        fs.mkdirSync(path.join(root, ".ade", "backups", "production"), { recursive: true });
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const production = () => fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8");
    const inBackups = (text: string, name = BACKUP) => {
        const file = path.join(root, ".ade", "backups", "production", name);
        fs.writeFileSync(file, text);
        return file;
    };
    const check = (file: string, allowOutsideBackups = false) => checkRestore(root, "ade", file, { allowOutsideBackups, otherStacks: () => [] });

    it("accepts a backup of the stack from its own folder", () => {
        const file = inBackups(production().replace("retentionDays: 30", "retentionDays: 20"));
        const result = check(file);
        expect(result.stack).to.equal("production");
        expect(result.restored.view.values["monitoring"]).to.deep.include({ prometheus: { hostPort: 30090, retentionDays: 20, scrapeIntervalSeconds: 15, memoryMb: 512, cpus: 0.5 } });
    });

    it("accepts a file from elsewhere only with --allow-outside-backups", () => {
        fs.writeFileSync(path.join(root, BACKUP), production());
        expect(() => check(path.join(root, BACKUP)))
            .to.throw(UserError)
            .with.property(
                "message",
                `${path.join(root, BACKUP)}: is not in .ade/backups/production/, where ade keeps the backups of stack production: restore one of those, or pass --allow-outside-backups to restore this file anyway`,
            );
        expect(check(path.join(root, BACKUP), true).stack).to.equal("production");
    });

    const refusals: { title: string; text: () => string; message: (file: string) => string }[] = [
        {
            title: "another stack's file (its secrets would not decrypt)",
            text: () => fs.readFileSync(path.join(ROOT, "Pulumi.testing.yaml"), "utf8"),
            message: (f) =>
                `${f}: its secrets are encrypted for another stack or key (encryptionsalt differs from Pulumi.production.yaml), so they would not decrypt with production's passphrase: restore a backup of production from .ade/backups/production/`,
        },
        {
            title: "a file holding config: {}",
            text: () => "config: {}\n",
            message: (f) => `${f}: is not a stack file of project ade: it has no ade: config keys, so restoring it would empty the stack's config`,
        },
        {
            title: "a file with no config at all",
            text: () => `encryptionsalt: ${/encryptionsalt: (.*)/.exec(production())?.[1] ?? ""}\n`,
            message: (f) => `${f}: is not a stack file of project ade: it has no ade: config keys, so restoring it would empty the stack's config`,
        },
        {
            title: "a file that breaks production's rules",
            text: () => production().replace("anonymousAccess: false", "anonymousAccess: true"),
            message: (f) =>
                [
                    `restoring ${f} would leave production invalid; nothing was written.`,
                    'Stack "production" has invalid config (1 problem):',
                    "  monitoring.grafana.anonymousAccess: must be false (got true) [production]",
                    "Fix each value with `pulumi config set --path <key> <value> --stack production` (secrets with --secret), then run the command again.",
                ].join("\n"),
        },
        {
            title: "a file that says production is testing",
            text: () => production().replace("ade:environment: production", "ade:environment: testing"),
            message: (f) =>
                [
                    `restoring ${f} would leave production invalid; nothing was written.`,
                    'Stack "production" has invalid config (1 problem):',
                    '  environment: stack "production" is the production environment, its name decides that (got "testing"): set it back with: pulumi config set environment production --stack production',
                    "Fix each value with `pulumi config set --path <key> <value> --stack production` (secrets with --secret), then run the command again.",
                ].join("\n"),
        },
        {
            title: "a file with an undefined alias",
            text: () => production().replace("ade:version: 0.1.0", "ade:version: *v"),
            message: (f) => `${f}: the alias *v has no anchor &v before it: define the anchor first or write the value out`,
        },
    ];
    for (const r of refusals) {
        it(`refuses ${r.title}`, () => {
            const file = inBackups(r.text());
            expect(() => check(file)).to.throw(UserError).with.property("message", r.message(file));
        });
    }

    it("refuses a directory named like a backup, and a file named like no backup", () => {
        const dir = path.join(root, ".ade", "backups", "production", BACKUP);
        fs.mkdirSync(dir);
        expect(() => check(dir))
            .to.throw(UserError)
            .with.property("message", `${dir}: is a directory, not a file (name a file under .ade/backups/production/)`);
        expect(() => check(path.join(root, "notes.yaml")))
            .to.throw(UserError)
            .with.property("message", `${path.join(root, "notes.yaml")}: not an ade backup (expected <UTC timestamp>-Pulumi.<stack>.yaml from .ade/backups/<stack>/)`);
    });

    it("refuses when the stack file itself is gone, since the backup's secrets provider cannot be compared", () => {
        const file = inBackups(production());
        fs.rmSync(path.join(root, "Pulumi.production.yaml"));
        expect(() => check(file))
            .to.throw(UserError)
            .with.property("message", `Pulumi.production.yaml: no such file, so ${file} cannot be checked against its secrets provider; if you are sure it is this stack's file, copy it back by hand`);
    });
});
