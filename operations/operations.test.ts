import { expect } from "chai";
import { alertsFromApi } from "./alerts";
import { driftFromEvents, driftLines, RefreshEvent } from "./drift";
import { servicesFromInspect, withMissing, ServiceState } from "./services";
import { ago, statusLines, StatusReport } from "./status";

const container = (name: string, over: Record<string, unknown> = {}) => ({
    Name: `/ade-testing-${name}`,
    RestartCount: 0,
    State: { Status: "running", StartedAt: "2026-11-25T17:00:00.123Z", ExitCode: 0, Health: { Status: "healthy" } },
    Config: { Labels: { "ade.project": "ade", "ade.stack": "testing", "ade.service": name } },
    HostConfig: { RestartPolicy: { Name: "unless-stopped" } },
    ...over,
});

describe("status: services from docker inspect", () => {
    it("reads state, health, start, restarts and release of each long-running container, by service", () => {
        const json = JSON.stringify([
            container("postgres"),
            container("api", {
                RestartCount: 2,
                State: { Status: "exited", StartedAt: "2026-11-25T17:00:00Z", ExitCode: 137, Health: { Status: "unhealthy" } },
                Config: { Labels: { "ade.service": "api", "ade.version": "1.2.0" } },
            }),
            container("api-files", { HostConfig: { RestartPolicy: { Name: "no" } }, Config: { Labels: { "ade.service": "api" } } }),
            container("node-exporter", { State: { Status: "running", StartedAt: "2026-11-25T17:00:00Z" } }),
            container("grafana", { State: { Status: "created", StartedAt: "0001-01-01T00:00:00Z", ExitCode: 0 } }),
            // A Swarm task: restart policy "no" (Swarm restarts it), named after its service.
            container("proxy.1.k2x9", {
                HostConfig: { RestartPolicy: { Name: "no" } },
                Config: { Labels: { "ade.service": "proxy", "com.docker.swarm.task.id": "k2x9" } },
            }),
        ]);
        expect(servicesFromInspect(json)).to.deep.equal([
            { service: "api", name: "ade-testing-api", state: "exited", health: "unhealthy", startedAt: "2026-11-25T17:00:00Z", exitCode: 137, restarts: 2, version: "1.2.0" },
            { service: "grafana", name: "ade-testing-grafana", state: "created", health: "none", startedAt: undefined, exitCode: 0, restarts: 0, version: undefined },
            { service: "node-exporter", name: "ade-testing-node-exporter", state: "running", health: "none", startedAt: "2026-11-25T17:00:00Z", exitCode: undefined, restarts: 0, version: undefined },
            { service: "postgres", name: "ade-testing-postgres", state: "running", health: "healthy", startedAt: "2026-11-25T17:00:00.123Z", exitCode: undefined, restarts: 0, version: undefined },
            { service: "proxy", name: "ade-testing-proxy.1.k2x9", state: "running", health: "healthy", startedAt: "2026-11-25T17:00:00.123Z", exitCode: undefined, restarts: 0, version: undefined },
        ]);
    });

    it("adds what the last update made and Docker no longer runs as missing, a Swarm service by its tasks", () => {
        const found = servicesFromInspect(JSON.stringify([container("postgres"), container("proxy.1.k2x9", { Config: { Labels: { "ade.service": "proxy" } } })]));
        expect(withMissing(found, ["ade-testing-postgres", "ade-testing-api", "ade-testing-proxy"], "ade-testing-").map((s) => [s.service, s.state])).to.deep.equal([
            ["api", "missing"],
            ["postgres", "running"],
            ["proxy", "running"],
        ]);
    });
});

describe("status: alerts from Alertmanager's API", () => {
    const alert = (name: string, severity: string, startsAt: string, status: Record<string, unknown> = { state: "active", silencedBy: [], inhibitedBy: [] }) => ({
        labels: { alertname: name, service: "api", severity, stack: "testing" },
        annotations: { summary: `${name} summary`, runbook: `${name} runbook` },
        startsAt,
        status,
    });

    it("lists critical alerts first, then oldest first, marking silenced and held-back ones", () => {
        const alerts = alertsFromApi([
            alert("HighErrorRate", "warning", "2026-11-25T17:00:00Z", { state: "suppressed", silencedBy: [], inhibitedBy: ["abc"] }),
            alert("TargetDown", "critical", "2026-11-25T17:05:00Z"),
            alert("MemoryNearLimit", "warning", "2026-11-25T16:00:00Z", { state: "suppressed", silencedBy: ["s1"], inhibitedBy: [] }),
        ]);
        expect(alerts.map((a) => [a.name, a.state, a.silencedBy, a.inhibited])).to.deep.equal([
            ["TargetDown", "active", [], false],
            ["MemoryNearLimit", "suppressed", ["s1"], false],
            ["HighErrorRate", "suppressed", [], true],
        ]);
        expect(alerts[0]).to.deep.include({ service: "api", severity: "critical", summary: "TargetDown summary", runbook: "TargetDown runbook", since: "2026-11-25T17:05:00Z" });
    });

    it("refuses an answer that is not a list, quoting it", () => {
        expect(() => alertsFromApi({ error: "nope" })).to.throw('Alertmanager answered {"error":"nope"} where a list of alerts was expected');
    });
});

/** Engine events as `pulumi refresh --preview-only` sent them for a stopped and a removed container (measured). */
const events: RefreshEvent[] = [
    {
        resOutputsEvent: {
            metadata: {
                op: "same",
                urn: "urn:pulumi:testing::ade::ade:platform:Platform$docker:index/network:Network::ade-networks-public",
                type: "docker:index/network:Network",
                old: { outputs: { name: "ade-testing-public" } },
            },
        },
    },
    {
        resOutputsEvent: {
            metadata: {
                op: "delete",
                urn: "urn:pulumi:testing::ade::ade:platform:Platform$ade:platform:DevTools$ade:platform:ContainerService$docker:index/container:Container::ade-devtools-dbadmin-container",
                type: "docker:index/container:Container",
                old: { inputs: { name: "ade-testing-dbadmin" }, outputs: { name: "ade-testing-dbadmin" } },
            },
        },
    },
    {
        resOutputsEvent: {
            metadata: {
                op: "update",
                urn: "urn:pulumi:testing::ade::ade:platform:Platform$ade:platform:ContainerService$docker:index/container:Container::ade-api-container",
                type: "docker:index/container:Container",
                diffs: ["ports", "mustRun"],
                old: { outputs: { name: "ade-testing-api" } },
            },
        },
    },
    {
        resOutputsEvent: {
            metadata: {
                op: "update",
                urn: "urn:pulumi:testing::ade::ade:platform:Platform$docker:index/volume:Volume::ade-database-data",
                type: "docker:index/volume:Volume",
                diffs: ["labels"],
                old: { outputs: { name: "ade-testing-pgdata" } },
            },
        },
    },
];

describe("drift from a refresh preview", () => {
    it("names each resource removed, stopped or changed outside Pulumi, and nothing that read back the same", () => {
        const items = driftFromEvents(events);
        expect(items).to.deep.equal([
            { resource: "ade-devtools-dbadmin-container", kind: "container", dockerName: "ade-testing-dbadmin", change: "removed", properties: [] },
            { resource: "ade-api-container", kind: "container", dockerName: "ade-testing-api", change: "stopped", properties: ["mustRun", "ports"] },
            { resource: "ade-database-data", kind: "volume", dockerName: "ade-testing-pgdata", change: "changed", properties: ["labels"] },
        ]);
        expect(driftLines(items)).to.deep.equal([
            "container ade-testing-dbadmin: removed outside Pulumi",
            "container ade-testing-api: stopped outside Pulumi (mustRun, ports read back different)",
            "volume ade-testing-pgdata: changed outside Pulumi (labels read back different)",
        ]);
    });

    it("finds no drift when everything reads back the same", () => {
        expect(driftFromEvents(events.slice(0, 1))).to.deep.equal([]);
    });
});

describe("status: the screen", () => {
    const running: ServiceState = { service: "api", name: "ade-testing-api", state: "running", health: "healthy", startedAt: "2026-11-25T17:00:00Z", exitCode: undefined, restarts: 0, version: "1.1.0" };
    const base: StatusReport = {
        stack: "testing",
        running: { update: 4, version: "1.1.0", startedAt: "2026-11-25T16:55:00.000Z", result: "succeeded", health: "verified", message: "release 1.1.0: faster visits" },
        lastUpdate: { update: 4, version: "1.1.0", startedAt: "2026-11-25T16:55:00.000Z", result: "succeeded", health: "verified", message: "release 1.1.0: faster visits" },
        services: { ok: true, value: [running, { ...running, service: "postgres", name: "ade-testing-postgres", version: undefined }] },
        alerts: { ok: true, value: [] },
        drift: { ok: true, value: [] },
        at: "2026-11-25T17:10:00.000Z",
    };

    it("shows a healthy stack on one screen", () => {
        expect(statusLines(base)).to.deep.equal([
            "stack testing",
            '  release   1.1.0, verified healthy (update #4, 2026-11-25 16:55:00 UTC (15m ago): "release 1.1.0: faster visits")',
            "",
            "services",
            "  ok   api       running 10m, healthy, release 1.1.0",
            "  ok   postgres  running 10m, healthy",
            "",
            "alerts",
            "  none firing",
            "",
            "drift",
            "  none: everything is as the last update left it",
        ]);
    });

    it("shows a stopped service, its alert with the runbook, the drift and a failed last update", () => {
        const report: StatusReport = {
            ...base,
            lastUpdate: { update: 5, version: "1.2.0", startedAt: "2026-11-25T17:05:00.000Z", result: "failed", health: "failed", message: "release 1.2.0" },
            services: { ok: true, value: [{ ...running, state: "exited", health: "unhealthy", exitCode: 0 }, { ...running, service: "worker", name: "ade-testing-worker", state: "missing", health: "none", startedAt: undefined, version: undefined }] },
            alerts: {
                ok: true,
                value: [
                    { name: "TargetDown", service: "api", severity: "critical", summary: "api (api:8080) is down", runbook: "ade logs testing api", since: "2026-11-25T17:08:00Z", state: "active", silencedBy: [], inhibited: false },
                    { name: "HighErrorRate", service: "api", severity: "warning", summary: "5xx", runbook: undefined, since: "2026-11-25T17:07:00Z", state: "suppressed", silencedBy: [], inhibited: true },
                ],
            },
            drift: { ok: true, value: [{ resource: "ade-api-container", kind: "container", dockerName: "ade-testing-api", change: "stopped", properties: ["mustRun"] }] },
        };
        expect(statusLines(report).slice(2)).to.deep.equal([
            '  last      failed: update #5, 2026-11-25 17:05:00 UTC (5m ago): "release 1.2.0"',
            "",
            "services",
            "  DOWN api       exited (exit 0), unhealthy, release 1.1.0",
            "  DOWN worker    missing",
            "",
            "alerts",
            "  CRITICAL TargetDown api for 2m: api (api:8080) is down",
            "           runbook: ade logs testing api",
            "  WARNING  HighErrorRate api for 3m [held back by a critical alert]: 5xx",
            "",
            "drift",
            "  container ade-testing-api: stopped outside Pulumi (mustRun read back different)",
            "  ade deploy testing puts it back as the code describes it",
        ]);
    });

    it("says why a part is unknown and shows the rest", () => {
        const report: StatusReport = { ...base, running: undefined, lastUpdate: undefined, alerts: { ok: false, problem: "Alertmanager does not answer at http://127.0.0.1:29093/api/v2/alerts (connect ECONNREFUSED 127.0.0.1:29093)" }, drift: { ok: "skipped" } };
        const lines = statusLines(report);
        expect(lines[1]).to.equal("  release   none: no update of testing ever succeeded (deploy one with: ade deploy testing)");
        expect(lines).to.include("  unknown: Alertmanager does not answer at http://127.0.0.1:29093/api/v2/alerts (connect ECONNREFUSED 127.0.0.1:29093)");
        expect(lines.at(-1)).to.equal("  not checked (--skip-drift)");
    });

    const ages: [number, string][] = [
        [0, "0s"],
        [59_000, "59s"],
        [60_000, "1m"],
        [3_599_000, "59m"],
        [3_600_000, "1h 0m"],
        [47 * 3_600_000 + 60_000, "47h 1m"],
        [50 * 3_600_000, "2d 2h"],
        [-5_000, "0s"],
    ];
    for (const [ms, text] of ages) it(`writes ${ms} ms as ${text}`, () => expect(ago(ms)).to.equal(text));
});
