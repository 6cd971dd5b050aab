import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../core/errors";
import { applyEdits, ConfigEdit } from "./edits";
import { backupChange, backupStack, editedText, parseStackFile, projectName, readStackFile } from "./stackFile";
import { writeFileAtomic, writeFiles } from "../core/files";
import { ROOT } from "../tests/mocks";

const STACK_TEXT = `# Testing: deployed by CI after every merge.
config:
  ade:environment: testing
  ade:version: 0.1.0 # bumped by ade release
  ade:services:
    api:
      build:
        context: app
      hostPort: 28080 # CI's port range
      secrets:
        - appSecretKey
  aws:region: eu-west-1
  ade:databasePassword:
    secure: v1:qk8YMqyYCib7zTVi:kbMvk7dgrCLJcv1gLMEUE9EjlE8x
  ade:appSecretKey:
    secure: v1:p0dUvNwYqnw86WeD:/wukYzTUoNutj8Rnv5keDIVsJefE
encryptionsalt: v1:I3FPPAXQ7qk=:v1:xK8tu3M+hP6J/Tle:2Dc9SgVhm513cEC42WPwS7/6ZchqVQ==
`;

describe("stack file: reading", () => {
    it("separates plain values from secrets and skips other namespaces", () => {
        const file = parseStackFile("Pulumi.testing.yaml", "testing", "ade", STACK_TEXT);
        expect(file.view.values).to.deep.equal({
            environment: "testing",
            version: "0.1.0",
            services: { api: { build: { context: "app" }, hostPort: 28080, secrets: ["appSecretKey"] } },
        });
        expect([...file.view.secrets]).to.deep.equal(["databasePassword", "appSecretKey"]);
    });

    it("reads every committed stack file with the project's name", () => {
        const project = projectName(ROOT);
        expect(project).to.equal("ade");
        for (const stack of ["development", "testing", "production"]) {
            const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack, project);
            expect(file.view.values["environment"]).to.equal(stack);
            expect([...file.view.secrets].sort()).to.deep.equal(["appSecretKey", "databasePassword", "grafanaAdminPassword"]);
        }
    });

    const malformed: [string, string, string][] = [
        [
            "an unclosed flow sequence",
            "config:\n  ade:version: [1\n",
            "Pulumi.testing.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]\n" +
                "Pulumi.testing.yaml is not valid YAML: fix the line above (or put a backup back with: ade promote --restore <file under .ade/backups/>)",
        ],
        [
            "a tab-indented key",
            "config:\n  ade:version: 1.0.0\n\tade:environment: testing\n",
            "Pulumi.testing.yaml:3:1: Tabs are not allowed as indentation\n" +
                "Pulumi.testing.yaml is not valid YAML: fix the line above (or put a backup back with: ade promote --restore <file under .ade/backups/>)",
        ],
        ["a config that is a list", "config:\n  - ade:version\n", "Pulumi.testing.yaml: `config` must be a mapping of keys to values (fix the file, or put a backup back with: ade promote --restore <backup>)"],
        [
            "an alias with no anchor",
            "config:\n  ade:version: *nope\n",
            "Pulumi.testing.yaml: the alias *nope has no anchor &nope before it: define the anchor first or write the value out",
        ],
        [
            "an alias bomb",
            [
                "a: &a [x, x, x, x, x, x, x, x, x]",
                "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
                "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
                "config:",
                "  ade:services: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
                "",
            ].join("\n"),
            "Pulumi.testing.yaml: its YAML aliases expand to more than 100 copies (an alias bomb?): write the values out instead of aliasing them",
        ],
    ];
    for (const [title, text, message] of malformed) {
        it(`names the file and line of ${title}`, () => {
            expect(() => parseStackFile("Pulumi.testing.yaml", "testing", "ade", text))
                .to.throw(UserError)
                .with.property("message", message);
        });
    }
});

describe("stack file: editing", () => {
    const cases: { title: string; edits: ConfigEdit[]; expected: string }[] = [
        {
            title: "changes a top-level scalar in place, keeping its comment",
            edits: [{ kind: "set", path: ["version"], value: "0.2.0" }],
            expected: STACK_TEXT.replace("ade:version: 0.1.0 # bumped", "ade:version: 0.2.0 # bumped"),
        },
        {
            title: "adds a nested leaf at the end of its map",
            edits: [{ kind: "set", path: ["services", "api", "healthPath"], value: "/healthz" }],
            expected: STACK_TEXT.replace("        - appSecretKey\n", "        - appSecretKey\n      healthPath: /healthz\n"),
        },
        {
            title: "adds a new top-level key before the secrets",
            edits: [{ kind: "set", path: ["logging", "maxFiles"], value: 5 }],
            expected: STACK_TEXT.replace("  ade:databasePassword:", "  ade:logging:\n    maxFiles: 5\n  ade:databasePassword:"),
        },
        {
            title: "replaces an array and removes a leaf with its emptied parent",
            edits: [
                { kind: "remove", path: ["services", "api", "build", "context"] },
                { kind: "set", path: ["services", "api", "secrets"], value: [] },
                { kind: "set", path: ["services", "api", "image"], value: "busybox:1.36" },
            ],
            expected: STACK_TEXT.replace("      build:\n        context: app\n", "")
                .replace("      secrets:\n        - appSecretKey\n", "      secrets: []\n")
                .replace("      secrets: []\n", "      secrets: []\n      image: busybox:1.36\n"),
        },
    ];
    for (const c of cases) {
        it(c.title, () => {
            const file = parseStackFile("Pulumi.testing.yaml", "testing", "ade", STACK_TEXT);
            const text = editedText(file, "ade", c.edits);
            expect(text).to.equal(c.expected);
            const reread = parseStackFile("Pulumi.testing.yaml", "testing", "ade", text);
            expect(reread.view.values).to.deep.equal(applyEdits(file.view.values, c.edits));
            expect(reread.view.secrets).to.deep.equal(file.view.secrets);
        });
    }

    it("round-trips every committed stack file byte for byte when nothing changes", () => {
        for (const stack of ["development", "testing", "production"]) {
            const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), stack, "ade");
            expect(editedText(file, "ade", [])).to.equal(file.text);
        }
    });

    it("refuses to edit a secret", () => {
        const file = parseStackFile("Pulumi.testing.yaml", "testing", "ade", STACK_TEXT);
        expect(() => editedText(file, "ade", [{ kind: "set", path: ["appSecretKey"], value: "x" }])).to.throw("refusing to edit secret appSecretKey: secrets are never copied");
    });
});

describe("stack file: backups and atomic writes", () => {
    let dir: string;
    let target: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-stackfile-"));
        target = path.join(dir, "Pulumi.testing.yaml");
        fs.writeFileSync(target, STACK_TEXT);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("backs up to .ade/backups/<stack>/<UTC timestamp>-Pulumi.<stack>.yaml, never overwriting one", () => {
        const now = new Date(Date.UTC(2025, 10, 24, 20, 15, 30, 123));
        const first = backupChange(dir, "testing", STACK_TEXT, now);
        writeFiles([first]);
        const second = backupChange(dir, "testing", STACK_TEXT, now);
        writeFiles([second]);
        expect(path.relative(dir, first.file)).to.equal(".ade/backups/testing/2025-11-24T20-15-30.123Z-Pulumi.testing.yaml");
        expect(path.relative(dir, second.file)).to.equal(".ade/backups/testing/2025-11-24T20-15-30.123Z-2-Pulumi.testing.yaml");
        expect(fs.readFileSync(first.file, "utf8")).to.equal(STACK_TEXT);
        expect(backupStack(first.file)).to.equal("testing");
        expect(backupStack(second.file)).to.equal("testing");
        expect(() => writeFiles([first])).to.throw(UserError, `${first.file}: already exists; ade never overwrites it`);
    });

    it("writes atomically, keeping the file's mode and leaving no temporary file", () => {
        fs.chmodSync(target, 0o600);
        writeFileAtomic(target, "config: {}\n");
        expect(fs.readFileSync(target, "utf8")).to.equal("config: {}\n");
        expect(fs.statSync(target).mode & 0o777).to.equal(0o600);
        expect(fs.readdirSync(dir)).to.deep.equal(["Pulumi.testing.yaml"]);
    });

    it("refuses a file that is not named like an ade backup", () => {
        const stray = path.join(dir, "notes.yaml");
        expect(() => backupStack(stray)).to.throw(`${stray}: not an ade backup (expected <UTC timestamp>-Pulumi.<stack>.yaml from .ade/backups/<stack>/)`);
    });

    it("names a directory where the stack file should be, without a trace", () => {
        const stackDir = path.join(dir, "Pulumi.production.yaml");
        fs.mkdirSync(stackDir);
        expect(() => readStackFile(stackDir, "production", "ade"))
            .to.throw(UserError)
            .with.property("message", `${stackDir}: is a directory, not a file: move it away, then create it with: pulumi stack init production`);
    });
});
