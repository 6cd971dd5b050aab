import { expect } from "chai";
import { envSpecificFields, pathInfo } from "../config/paths";
import { applyEdits, ConfigEdit, StackConfigView } from "../stacks/edits";
import type { Environment } from "../config/schema";
import { diffStacks, directionProblem, formatDiff, formatPlan, planPromotion, PromotionEnd } from "./plan";

/** Raw, untyped config: the cases build and mutate it freely. */
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ALL_SECRETS = ["databasePassword", "grafanaAdminPassword", "appSecretKey"];

/** A small, valid-looking stack: enough leaves of every kind (promotable, env-specific, record entries, arrays). */
function stack(name: string, hostPortBase: number, mutate: (v: Raw) => void = () => undefined, secrets: string[] = ALL_SECRETS): StackConfigView {
    const values: Raw = {
        environment: name,
        version: "0.1.0",
        services: {
            api: { build: { context: "app" }, port: 8080, hostPort: hostPortBase + 80, public: true, secrets: ["appSecretKey"], memoryMb: 256 },
        },
        monitoring: {
            prometheus: { hostPort: hostPortBase + 90, scrapeIntervalSeconds: 10 },
            grafana: { hostPort: hostPortBase + 30 },
        },
    };
    mutate(values);
    return { stack: name, values, secrets: new Set(secrets) };
}

describe("promotion: direction", () => {
    const end = (stack: string, environment: Environment = stack as Environment): PromotionEnd => ({ stack, environment });
    const cases: { from: PromotionEnd; to: PromotionEnd; any: boolean; problem: string | undefined }[] = [
        { from: end("development"), to: end("testing"), any: false, problem: undefined },
        { from: end("testing"), to: end("production"), any: false, problem: undefined },
        {
            from: end("development"),
            to: end("production"),
            any: false,
            problem:
                "promotion development → production is not a default direction (allowed: development → testing, testing → production); pass --allow-any-direction to promote development → production anyway",
        },
        {
            from: end("testing"),
            to: end("development"),
            any: false,
            problem:
                "promotion testing → development is not a default direction (allowed: development → testing, testing → production); pass --allow-any-direction to promote testing → development anyway",
        },
        { from: end("testing"), to: end("development"), any: true, problem: undefined },
        { from: end("testing"), to: end("testing"), any: true, problem: 'cannot promote "testing" to itself: name two different stacks' },
        { from: end("development"), to: end("staging", "testing"), any: false, problem: undefined },
        { from: end("staging", "testing"), to: end("production"), any: false, problem: undefined },
        {
            from: end("development"),
            to: end("eu-prod", "production"),
            any: false,
            problem:
                "promotion development → eu-prod (production) is not a default direction (allowed: development → testing, testing → production); pass --allow-any-direction to promote development → eu-prod anyway",
        },
    ];
    for (const c of cases) {
        it(`${c.problem === undefined ? "allows" : "refuses"} ${c.from.stack} → ${c.to.stack}${c.any ? " with --allow-any-direction" : ""}`, () => {
            expect(directionProblem(c.from, c.to, c.any)).to.equal(c.problem);
        });
    }
});

describe("promotion: the schema's environment-specific fields", () => {
    it("lists exactly the fields marked envSpecific", () => {
        expect(envSpecificFields()).to.deep.equal([
            "environment",
            "images",
            "services.<name>.build",
            "services.<name>.hostPort",
            "services.<name>.bindAddress",
            "services.<name>.replicas",
            "services.<name>.memoryMb",
            "services.<name>.cpus",
            "database.hostPort",
            "database.backup",
            "database.retainVolumeOnDestroy",
            "database.memoryMb",
            "database.cpus",
            "monitoring.prometheus.hostPort",
            "monitoring.prometheus.bindAddress",
            "monitoring.prometheus.retentionDays",
            "monitoring.prometheus.memoryMb",
            "monitoring.prometheus.cpus",
            "monitoring.alertmanager.hostPort",
            "monitoring.alertmanager.webhook",
            "monitoring.alertmanager.memoryMb",
            "monitoring.alertmanager.cpus",
            "monitoring.exporters.memoryMb",
            "monitoring.exporters.cpus",
            "monitoring.grafana.hostPort",
            "monitoring.grafana.bindAddress",
            "monitoring.grafana.anonymousAccess",
            "monitoring.grafana.memoryMb",
            "monitoring.grafana.cpus",
            "debug",
            "security",
            "runtime",
            "swarm",
            "dockerHost",
            "healthCheck.address",
        ]);
    });

    const paths: [string, { envSpecific: boolean; known: boolean; recordEntryDepth: number | undefined }][] = [
        ["version", { envSpecific: false, known: true, recordEntryDepth: undefined }],
        ["services.api.hostPort", { envSpecific: true, known: true, recordEntryDepth: 2 }],
        ["services.api.healthPath", { envSpecific: false, known: true, recordEntryDepth: 2 }],
        ["services.api.env.LOG_FORMAT", { envSpecific: false, known: true, recordEntryDepth: 2 }],
        ["images.appBase", { envSpecific: true, known: true, recordEntryDepth: undefined }],
        ["database.backup.retention", { envSpecific: true, known: true, recordEntryDepth: undefined }],
        ["debug.dbAdmin.hostPort", { envSpecific: true, known: true, recordEntryDepth: undefined }],
        ["replicas", { envSpecific: false, known: false, recordEntryDepth: undefined }],
    ];
    for (const [path, info] of paths) {
        it(`describes ${path}`, () => expect(pathInfo(path.split("."))).to.deep.equal(info));
    }
});

interface PlanCase {
    readonly title: string;
    readonly source: StackConfigView;
    readonly destination: StackConfigView;
    readonly copied: [string, unknown, unknown][];
    readonly kept: [string, unknown, unknown][];
    readonly missingSecrets?: string[];
    readonly unchanged: number;
    readonly result?: (v: Raw) => void;
}

const planCases: PlanCase[] = [
    {
        title: "copies nothing but keeps the env-specific keys when only those differ",
        source: stack("development", 18000),
        destination: stack("testing", 28000),
        copied: [],
        kept: [
            ["environment", "testing", "development"],
            ["services.api.hostPort", 28080, 18080],
            ["monitoring.prometheus.hostPort", 28090, 18090],
            ["monitoring.grafana.hostPort", 28030, 18030],
        ],
        unchanged: 7,
    },
    {
        title: "copies a changed version, an added leaf and an added env variable",
        source: stack("development", 18000, (v) => {
            v.version = "0.2.0";
            v.services.api.healthPath = "/healthz";
            v.services.api.env = { LOG_FORMAT: "json" };
        }),
        destination: stack("testing", 28000),
        copied: [
            ["version", "0.1.0", "0.2.0"],
            ["services.api.healthPath", undefined, "/healthz"],
            ["services.api.env.LOG_FORMAT", undefined, "json"],
        ],
        kept: [
            ["environment", "testing", "development"],
            ["services.api.hostPort", 28080, 18080],
            ["monitoring.prometheus.hostPort", 28090, 18090],
            ["monitoring.grafana.hostPort", 28030, 18030],
        ],
        unchanged: 6,
        result: (v) => {
            v.version = "0.2.0";
            v.services.api.healthPath = "/healthz";
            v.services.api.env = { LOG_FORMAT: "json" };
        },
    },
    {
        title: "removes a promotable leaf the source no longer has, and its emptied parents",
        source: stack("development", 18000),
        destination: stack("testing", 28000, (v) => (v.monitoring.alerts = { restartsPerHour: 5 })),
        copied: [["monitoring.alerts.restartsPerHour", 5, undefined]],
        kept: [
            ["environment", "testing", "development"],
            ["services.api.hostPort", 28080, 18080],
            ["monitoring.prometheus.hostPort", 28090, 18090],
            ["monitoring.grafana.hostPort", 28030, 18030],
        ],
        unchanged: 7,
        result: (v) => delete v.monitoring.alerts,
    },
    {
        title: "keeps env-specific keys only the destination has, and never adds those only the source has",
        source: stack("development", 28000, (v) => {
            v.environment = "testing";
            v.database = { hostPort: 15432 };
            v.debug = { logLevel: "debug" };
        }),
        destination: stack("testing", 28000, (v) => (v.security = { hardened: true })),
        copied: [],
        kept: [
            ["database.hostPort", undefined, 15432],
            ["debug.logLevel", undefined, "debug"],
            ["security.hardened", true, undefined],
        ],
        unchanged: 11,
    },
    {
        title: "replaces an array as one leaf",
        source: stack("development", 28000, (v) => {
            v.environment = "testing";
            v.services.api.secrets = [];
        }),
        destination: stack("testing", 28000),
        copied: [["services.api.secrets", ["appSecretKey"], []]],
        kept: [],
        unchanged: 10,
        result: (v) => (v.services.api.secrets = []),
    },
    {
        title: "adds a new service without its env-specific keys (validation then asks for its hostPort)",
        source: stack("development", 28000, (v) => {
            v.environment = "testing";
            v.services.worker = { image: "busybox:1.36", hostPort: 18081 };
        }),
        destination: stack("testing", 28000),
        copied: [["services.worker.image", undefined, "busybox:1.36"]],
        kept: [["services.worker.hostPort", undefined, 18081]],
        unchanged: 11,
        result: (v) => (v.services.worker = { image: "busybox:1.36" }),
    },
    {
        title: "removes a service the source dropped, env-specific keys included",
        source: stack("development", 28000, (v) => (v.environment = "testing")),
        destination: stack("testing", 28000, (v) => (v.services.worker = { image: "busybox:1.36", hostPort: 28081 })),
        copied: [
            ["services.worker.image", "busybox:1.36", undefined],
            ["services.worker.hostPort", 28081, undefined],
        ],
        kept: [],
        unchanged: 11,
        result: (v) => delete v.services.worker,
    },
    {
        title: "turns a scalar into an object and keeps a plain value that is a secret elsewhere",
        source: stack(
            "development",
            28000,
            (v) => {
                v.environment = "testing";
                v.logging = { maxFiles: 5 };
            },
            ["databasePassword", "grafanaAdminPassword", "appSecretKey", "version"],
        ),
        destination: stack("testing", 28000, (v) => (v.logging = 3)),
        copied: [
            ["logging.maxFiles", undefined, 5],
            ["logging", 3, undefined],
        ],
        kept: [],
        missingSecrets: ["version"],
        unchanged: 10,
        result: (v) => (v.logging = { maxFiles: 5 }),
    },
    {
        title: "reports every secret the destination lacks, the source's extra ones too",
        source: stack("development", 28000, (v) => (v.environment = "testing"), [...ALL_SECRETS, "legacyToken"]),
        destination: stack("testing", 28000, () => undefined, ["databasePassword"]),
        copied: [],
        kept: [],
        missingSecrets: ["grafanaAdminPassword", "appSecretKey", "legacyToken"],
        unchanged: 11,
    },
];

describe("promotion: plan", () => {
    for (const c of planCases) {
        it(c.title, () => {
            const plan = planPromotion(c.source, c.destination);
            expect(plan.copied.map((x) => [x.path.join("."), x.before, x.after])).to.deep.equal(c.copied);
            expect(plan.kept.map((x) => [x.path.join("."), x.kept, x.source])).to.deep.equal(c.kept);
            expect(plan.missingSecrets).to.deep.equal(c.missingSecrets ?? []);
            expect(plan.unchanged).to.equal(c.unchanged);
            const expected = structuredClone(c.destination.values) as Raw;
            c.result?.(expected);
            expect(plan.result).to.deep.equal(expected);
            expect(c.destination.values).to.not.equal(plan.result);
        });
    }

    it("never changes the destination's values object", () => {
        const destination = stack("testing", 28000);
        const before = structuredClone(destination.values);
        planPromotion(stack("development", 18000, (v) => (v.version = "9.9.9")), destination);
        expect(destination.values).to.deep.equal(before);
    });

    it("prints the plan as a diff, secrets by name only", () => {
        const plan = planPromotion(
            stack("development", 18000, (v) => {
                v.version = "0.2.0";
                v.services.api.healthPath = "/healthz";
            }),
            stack("testing", 28000, (v) => (v.monitoring.alerts = { restartsPerHour: 5 }), ["databasePassword", "grafanaAdminPassword"]),
        );
        expect(formatPlan(plan)).to.equal(
            [
                "Promotion development → testing",
                "  copied from development (3):",
                '    ~ version: "0.1.0" → "0.2.0"',
                '    + services.api.healthPath: "/healthz"',
                "    - monitoring.alerts.restartsPerHour: 5 (absent in development)",
                "  kept in testing, environment-specific (4):",
                '    = environment: "testing" (development: "development")',
                "    = services.api.hostPort: 28080 (development: 18080)",
                "    = monitoring.prometheus.hostPort: 28090 (development: 18090)",
                "    = monitoring.grafana.hostPort: 28030 (development: 18030)",
                "  secrets, never copied (3):",
                "    = databasePassword: testing keeps its own value (not shown)",
                "    = grafanaAdminPassword: testing keeps its own value (not shown)",
                "    ! appSecretKey: missing in testing",
                "  unchanged: 6 keys already equal",
            ].join("\n"),
        );
    });
});

describe("promotion: applyEdits", () => {
    const cases: { title: string; values: Record<string, unknown>; edits: ConfigEdit[]; result: Record<string, unknown> }[] = [
        { title: "sets a leaf under missing parents", values: {}, edits: [{ kind: "set", path: ["a", "b", "c"], value: 1 }], result: { a: { b: { c: 1 } } } },
        { title: "replaces a scalar", values: { a: { b: 1 } }, edits: [{ kind: "set", path: ["a", "b"], value: 2 }], result: { a: { b: 2 } } },
        { title: "removes a leaf and its emptied parents", values: { a: { b: { c: 1 } }, d: 1 }, edits: [{ kind: "remove", path: ["a", "b", "c"] }], result: { d: 1 } },
        { title: "keeps a parent that still has leaves", values: { a: { b: 1, c: 2 } }, edits: [{ kind: "remove", path: ["a", "b"] }], result: { a: { c: 2 } } },
        { title: "ignores the removal of a leaf that is not there", values: { a: 1 }, edits: [{ kind: "remove", path: ["a", "b"] }], result: { a: 1 } },
        {
            title: "turns a scalar into an object when removal comes first",
            values: { a: 1 },
            edits: [
                { kind: "remove", path: ["a"] },
                { kind: "set", path: ["a", "b"], value: true },
            ],
            result: { a: { b: true } },
        },
    ];
    for (const c of cases) {
        it(c.title, () => expect(applyEdits(c.values, c.edits)).to.deep.equal(c.result));
    }
});

describe("promotion: diff of two stacks", () => {
    it("lists differing leaves, marks env-specific ones and shows secrets by presence only", () => {
        const diff = diffStacks(
            stack("development", 18000, (v) => {
                v.version = "0.2.0";
                v.database = { hostPort: 15432 };
            }),
            stack("testing", 28000, (v) => (v.security = { hardened: true }), ["databasePassword", "grafanaAdminPassword", "legacyToken"]),
        );
        expect(formatDiff(diff)).to.equal(
            [
                "Config of development and testing (left: development, right: testing; [env] = environment-specific, never promoted)",
                '  ~ environment [env]: "development" | "testing"',
                '  ~ version: "0.2.0" | "0.1.0"',
                "  ~ services.api.hostPort [env]: 18080 | 28080",
                "  ~ monitoring.prometheus.hostPort [env]: 18090 | 28090",
                "  ~ monitoring.grafana.hostPort [env]: 18030 | 28030",
                "  < database.hostPort [env]: 15432 | absent",
                "  > security.hardened [env]: absent | true",
                "  secrets (values never shown):",
                "    databasePassword: present in both (whether the values differ is unknown)",
                "    grafanaAdminPassword: present in both (whether the values differ is unknown)",
                "    appSecretKey: only in development",
                "    legacyToken: only in testing",
                "  identical: 6 keys",
            ].join("\n"),
        );
    });

    it("says so when only secrets could differ", () => {
        expect(formatDiff(diffStacks(stack("testing", 28000), stack("testing", 28000)))).to.equal(
            [
                "Config of testing and testing (left: testing, right: testing; [env] = environment-specific, never promoted)",
                "  no non-secret differences",
                "  secrets (values never shown):",
                "    databasePassword: present in both (whether the values differ is unknown)",
                "    grafanaAdminPassword: present in both (whether the values differ is unknown)",
                "    appSecretKey: present in both (whether the values differ is unknown)",
                "  identical: 11 keys",
            ].join("\n"),
        );
    });
});
