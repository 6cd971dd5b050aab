import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { promtool, promtoolTestRules } from "../tests/tools";
import { alertRules, AlertRulesArgs } from "./alertRules";

const ARGS: AlertRulesArgs = {
    stack: "testing",
    thresholds: { errorRatePercent: 5, restartsPerHour: 3, forSeconds: 60, memoryPercent: 90, connectionsPercent: 80, diskFreePercent: 10 },
    scrapeIntervalSeconds: 15,
    healthEndpoints: [{ service: "api", path: "/health" }],
    memoryLimits: [
        { service: "api", memoryMb: 256 },
        { service: "postgres", memoryMb: 512 },
        { service: "grafana", memoryMb: 0 },
    ],
};

const MiB = 1024 * 1024;
const api = { job: "api", instance: "api:8080", service: "api" };
const exporter = { job: "postgres-exporter", instance: "postgres-exporter:9187", service: "postgres-exporter" };
const node = { job: "node-exporter", instance: "node-exporter:9100", service: "node-exporter" };
const root = { device: "/dev/vda", fstype: "ext4", mountpoint: "/" };

const series = (name: string, labels: Record<string, string>) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;

interface Case {
    readonly alert: string;
    readonly title: string;
    /** promtool's input series notation. */
    readonly input: readonly [string, string][];
    readonly evalTime: string;
    readonly interval?: string;
    /** How often promtool evaluates the rules (1m unless given): each evaluation costs it every rule of the file. */
    readonly evaluationInterval?: string;
    /** What fires: labels and annotations, exactly. Empty: nothing fires. */
    readonly fires: readonly { labels: Record<string, string>; summary: string; runbook: string }[];
}

const TARGET_DOWN_RUNBOOK =
    "ade status testing shows whether its container runs; ade logs testing {service} --since 15m shows why it stopped; ade drift testing tells whether it was stopped or removed by hand, and ade deploy testing puts it back";
const DISK_RUNBOOK = "the host dashboard shows what grows; docker system df shows images, volumes and logs; database backups pile up in the backup directory (database.backup.retention)";
const MEMORY_RUNBOOK = (service: string) =>
    `Docker kills the container at its limit; ade status testing shows restarts; raise the service's memoryMb in the stack config, or find the leak with ade logs testing ${service}`;

const cases: Case[] = [
    {
        alert: "TargetDown",
        title: "fires once a target has been down for `forSeconds`",
        input: [[series("up", api), "1 0 0 0"]],
        evalTime: "3m",
        fires: [{ labels: { severity: "critical", ...api }, summary: "api (api:8080) is down", runbook: TARGET_DOWN_RUNBOOK.replace("{service}", "api") }],
    },
    { alert: "TargetDown", title: "stays pending while the outage is shorter than `forSeconds`", input: [[series("up", api), "1 1 0"]], evalTime: "2m", fires: [] },
    {
        alert: "DatabaseDown",
        title: "fires for the postgres service when the exporter cannot reach the database",
        input: [[series("pg_up", exporter), "1 0 0 0"]],
        evalTime: "3m",
        fires: [
            {
                labels: { severity: "critical", job: exporter.job, instance: exporter.instance, service: "postgres" },
                summary: "PostgreSQL does not answer its exporter",
                runbook:
                    "ade logs testing postgres --since 15m shows why; ade status testing shows its container; ade deploy testing recreates a stopped or removed database container (the data volume stays)",
            },
        ],
    },
    {
        alert: "DatabaseConnectionsNearLimit",
        title: "fires above the connections threshold",
        input: [
            [series("pg_stat_database_numbackends", { ...exporter, datname: "ade" }), "80x10"],
            [series("pg_stat_database_numbackends", { ...exporter, datname: "postgres" }), "5x10"],
            [series("pg_settings_max_connections", exporter), "100x10"],
        ],
        evalTime: "6m",
        fires: [
            {
                labels: { severity: "warning", service: "postgres" },
                summary: "PostgreSQL has more than 80% of max_connections in use (85%)",
                runbook: "the database dashboard shows connections by database; ade logs testing --since 30m shows which service opens them (a pool that grows or connections left open)",
            },
        ],
    },
    {
        alert: "DatabaseConnectionsNearLimit",
        title: "stays quiet below the threshold",
        input: [
            [series("pg_stat_database_numbackends", { ...exporter, datname: "ade" }), "70x10"],
            [series("pg_settings_max_connections", exporter), "100x10"],
        ],
        evalTime: "6m",
        fires: [],
    },
    {
        alert: "DiskAlmostFull",
        title: "fires for a host filesystem below the free-space threshold, not for tmpfs",
        input: [
            [series("node_filesystem_avail_bytes", { ...node, ...root }), "5x10"],
            [series("node_filesystem_size_bytes", { ...node, ...root }), "100x10"],
            [series("node_filesystem_avail_bytes", { ...node, device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" }), "1x10"],
            [series("node_filesystem_size_bytes", { ...node, device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" }), "100x10"],
        ],
        evalTime: "6m",
        fires: [{ labels: { severity: "critical", ...node, ...root, service: "host" }, summary: "/ has less than 10% free (5.0%)", runbook: DISK_RUNBOOK }],
    },
    {
        alert: "DiskFillingUp",
        title: "fires when a filesystem would be full within a day at the rate of the last 6 hours",
        input: [
            [series("node_filesystem_avail_bytes", { ...node, ...root }), "39-0.05x480"],
            [series("node_filesystem_size_bytes", { ...node, ...root }), "100x480"],
        ],
        evalTime: "7h",
        // Every 5 minutes, still six evaluations within the alert's `for: 30m`: at every minute, 420 evaluations over 7 hours took promtool a second.
        evaluationInterval: "5m",
        fires: [
            {
                labels: { severity: "warning", ...node, ...root, service: "host" },
                summary: "/ fills up within a day at the rate of the last 6 hours",
                runbook: "the host dashboard shows the trend; docker system df shows images, volumes and logs on this host",
            },
        ],
    },
    {
        alert: "MemoryNearLimit",
        title: "fires for services near their limit (the database by its container's working set), never for one without a limit",
        input: [
            [series("process_resident_memory_bytes", api), `${250 * MiB}x10`],
            [series("process_resident_memory_bytes", { job: "grafana", instance: "grafana:3000", service: "grafana" }), `${4000 * MiB}x10`],
            [series("pg_container_memory_working_set_bytes", exporter), `${500 * MiB}x10`],
            [series("process_resident_memory_bytes", exporter), `${20 * MiB}x10`],
        ],
        evalTime: "7m",
        fires: [
            { labels: { severity: "warning", service: "api" }, summary: "api uses more than 90% of its memory limit (98%)", runbook: MEMORY_RUNBOOK("api") },
            { labels: { severity: "warning", service: "postgres" }, summary: "postgres uses more than 90% of its memory limit (98%)", runbook: MEMORY_RUNBOOK("postgres") },
        ],
    },
    {
        alert: "HealthEndpointFailing",
        title: "fires when most of a service's health checks answer an error",
        input: [
            [series("http_requests_total", { ...api, method: "GET", route: "/health", status: "500" }), "0+30x10"],
            [series("http_requests_total", { ...api, method: "GET", route: "/health", status: "200" }), "0+10x10"],
            [series("http_requests_total", { ...api, method: "GET", route: "/visits", status: "200" }), "0+100x10"],
        ],
        evalTime: "5m",
        fires: [
            {
                labels: { severity: "critical", service: "api" },
                summary: "api answers most requests to its health endpoint /health with an error",
                runbook: "curl the service's /health (ade status testing lists its health); ade logs testing api --level warn --since 15m shows the failures",
            },
        ],
    },
    {
        alert: "HealthEndpointFailing",
        title: "stays quiet while errors elsewhere do not touch the health endpoint",
        input: [
            [series("http_requests_total", { ...api, method: "GET", route: "/health", status: "200" }), "0+30x10"],
            [series("http_requests_total", { ...api, method: "GET", route: "/visits", status: "503" }), "0+100x10"],
        ],
        evalTime: "5m",
        fires: [],
    },
    {
        alert: "ScrapeGaps",
        title: "fires for a target whose scrapes fail on and off",
        input: [[series("up", api), "1 0 1 0 1 1 1"]],
        evalTime: "6m",
        fires: [
            {
                labels: { severity: "warning", ...api },
                summary: "scraping api failed now and then: 4 ups and downs in 10 minutes",
                runbook: "the service answers its metrics endpoint slowly or restarts: ade status testing shows restarts, ade logs testing api --since 15m the reason",
            },
        ],
    },
    { alert: "ScrapeGaps", title: "leaves a single outage to TargetDown", input: [[series("up", api), "1 0 0 1 1 1 1"]], evalTime: "6m", fires: [] },
    {
        alert: "HighErrorRate",
        title: "fires when a service answers more than errorRatePercent with 5xx",
        input: [
            [series("http_requests_total", { ...api, status: "200" }), "0+60x10"],
            [series("http_requests_total", { ...api, status: "500" }), "0+30x10"],
        ],
        evalTime: "10m",
        fires: [
            {
                labels: { severity: "warning", service: "api" },
                summary: "api answers more than 5% of requests with 5xx",
                runbook: "ade logs testing api --level error --since 15m shows the failing requests; ade history testing shows what was deployed last",
            },
        ],
    },
    {
        alert: "FrequentRestarts",
        title: "fires when a process restarts more than restartsPerHour",
        input: [[series("process_start_time_seconds", api), "1 2 3 4 5 6"]],
        evalTime: "5m",
        fires: [
            {
                labels: { severity: "warning", ...api },
                summary: "api restarted more than 3 times in an hour",
                runbook: "ade logs testing api --since 1h shows each start and what ended the one before; MemoryNearLimit fires too when Docker kills it for memory",
            },
        ],
    },
    {
        alert: "AlertDeliveryFailing",
        title: "fires when Alertmanager keeps failing to deliver",
        input: [[series("alertmanager_notifications_failed_total", { job: "alertmanager", instance: "alertmanager:9093", service: "alertmanager", integration: "webhook" }), "0+1x20"]],
        evalTime: "12m",
        fires: [
            {
                labels: { severity: "warning", service: "alertmanager", integration: "webhook" },
                summary: "Alertmanager fails to deliver notifications to its webhook receiver",
                runbook: "ade logs testing alertmanager --since 30m shows the error; check monitoring.alertmanager.webhook and the secret alertWebhookToken of testing",
            },
        ],
    },
];

describe("alert rules", () => {
    let dir: string;
    let proven: ReturnType<typeof promtoolTestRules>;
    const caseFile = (c: Case) => `${c.alert}-${cases.indexOf(c)}.test.yml`;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-rules-"));
        fs.writeFileSync(path.join(dir, "rules.yml"), alertRules(ARGS));
        for (const c of cases) {
            const tests = {
                rule_files: ["rules.yml"],
                evaluation_interval: c.evaluationInterval ?? "1m",
                tests: [
                    {
                        interval: c.interval ?? "1m",
                        input_series: c.input.map(([s, values]) => ({ series: s, values })),
                        alert_rule_test: [
                            {
                                eval_time: c.evalTime,
                                alertname: c.alert,
                                exp_alerts: c.fires.map((f) => ({ exp_labels: f.labels, exp_annotations: { summary: f.summary, runbook: f.runbook } })),
                            },
                        ],
                    },
                ],
            };
            fs.writeFileSync(path.join(dir, caseFile(c)), stringify(tests));
        }
        // One promtool run proves every case; each case below reads its own verdict.
        proven = promtoolTestRules(cases.map(caseFile), dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives every alert a severity and a runbook line that names the stack's ade commands", () => {
        const groups = (parse(alertRules(ARGS)) as { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] }).groups;
        const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
        const names = alerts.map((a) => a.alert);
        expect(names).to.deep.equal([
            "TargetDown",
            "DatabaseDown",
            "DatabaseConnectionsNearLimit",
            "DiskAlmostFull",
            "DiskFillingUp",
            "MemoryNearLimit",
            "HealthEndpointFailing",
            "ScrapeGaps",
            "HighErrorRate",
            "FrequentRestarts",
            "AlertDeliveryFailing",
        ]);
        // Every alert is proven by promtool below.
        expect([...new Set(cases.map((c) => c.alert))].sort()).to.deep.equal([...new Set(names)].sort());
        for (const a of alerts) {
            expect(a.labels?.["severity"], a.alert).to.be.oneOf(["critical", "warning"]);
            expect(a.annotations?.["runbook"], a.alert).to.match(/\b(ade (status|logs|deploy|history) testing|dashboard)\b/);
        }
    });

    for (const c of cases) {
        it(`${c.alert}: ${c.title} (promtool test rules)`, () => {
            expect(proven.verdicts.get(caseFile(c)), proven.output).to.equal("SUCCESS");
        });
    }

    it("fails promtool test rules when an alert does not fire as expected (the check can fail)", () => {
        const tests = {
            rule_files: ["rules.yml"],
            tests: [{ interval: "1m", input_series: [{ series: series("up", api), values: "1 1 1 1" }], alert_rule_test: [{ eval_time: "3m", alertname: "TargetDown", exp_alerts: [{ exp_labels: { severity: "critical", ...api } }] }] }],
        };
        fs.writeFileSync(path.join(dir, "wrong.test.yml"), stringify(tests));
        expect(() => promtool(["test", "rules", "wrong.test.yml"], dir)).to.throw(/FAILED/);
        // The one-run form reads the same failure as that file's verdict, beside a file that passes.
        const both = promtoolTestRules(["wrong.test.yml", caseFile(cases[0] as Case)], dir);
        expect([...both.verdicts]).to.deep.equal([
            ["wrong.test.yml", "FAILED"],
            [caseFile(cases[0] as Case), "SUCCESS"],
        ]);
    });
});
