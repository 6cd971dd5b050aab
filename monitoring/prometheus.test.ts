import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { promtool } from "../tests/tools";
import { alertRules } from "./alertRules";
import { prometheusConfig, scrapeTargets } from "./prometheus";

const services = {
    api: { port: 8080, metricsPath: "/metrics" as string | null },
    worker: { port: 9000, metricsPath: "/internal/metrics" as string | null },
    migrations: { port: 8000, metricsPath: null },
};

const rulesArgs = {
    stack: "testing",
    thresholds: { errorRatePercent: 5, restartsPerHour: 3, forSeconds: 60, memoryPercent: 90, connectionsPercent: 80, diskFreePercent: 10 },
    scrapeIntervalSeconds: 10,
    healthEndpoints: [
        { service: "api", path: "/health" },
        { service: "worker", path: "/healthz" },
    ],
    memoryLimits: [
        { service: "api", memoryMb: 256 },
        { service: "worker", memoryMb: 128 },
        { service: "postgres", memoryMb: 512 },
        { service: "grafana", memoryMb: 256 },
    ],
};

const config = (over: Partial<Parameters<typeof prometheusConfig>[0]> = {}) =>
    prometheusConfig({
        project: "ade",
        stack: "testing",
        environment: "testing",
        scrapeIntervalSeconds: 10,
        targets: scrapeTargets(services),
        rulesFile: "rules.yml",
        alertmanager: "alertmanager:9093",
        ...over,
    });

describe("Prometheus configuration", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-promtool-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("scrapes every service that exposes metrics, then the monitoring stack, then the platform's other parts", () => {
        const proxy = { job: "proxy", address: "proxy:8404", metricsPath: "/metrics" };
        expect(scrapeTargets(services, "static", [proxy])).to.deep.equal([
            { job: "api", address: "api:8080", metricsPath: "/metrics" },
            { job: "worker", address: "worker:9000", metricsPath: "/internal/metrics" },
            { job: "prometheus", address: "localhost:9090", metricsPath: "/metrics" },
            { job: "grafana", address: "grafana:3000", metricsPath: "/metrics" },
            { job: "alertmanager", address: "alertmanager:9093", metricsPath: "/metrics" },
            { job: "postgres-exporter", address: "postgres-exporter:9187", metricsPath: "/metrics" },
            { job: "node-exporter", address: "node-exporter:9100", metricsPath: "/metrics" },
            proxy,
        ]);
    });

    it("finds every instance of a service, and the node exporter of every host, through DNS under Swarm", () => {
        const found = scrapeTargets(services, "dns");
        expect(found.filter((t) => t.dns !== undefined).map((t) => [t.job, t.dns])).to.deep.equal([
            ["api", { name: "tasks.api", port: 8080 }],
            ["worker", { name: "tasks.worker", port: 9000 }],
            ["node-exporter", { name: "tasks.node-exporter", port: 9100 }],
        ]);
        const written = parse(config({ targets: found })) as { scrape_configs: Record<string, unknown>[] };
        expect(written.scrape_configs.find((j) => j["job_name"] === "node-exporter")).to.deep.equal({
            job_name: "node-exporter",
            metrics_path: "/metrics",
            dns_sd_configs: [{ names: ["tasks.node-exporter"], type: "A", port: 9100, refresh_interval: "5s" }],
            relabel_configs: [{ target_label: "service", replacement: "node-exporter" }],
        });
    });

    it("writes one job per target labelled with its service, the stack as external labels, and alerts to Alertmanager", () => {
        const written = parse(config()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(written["global"]).to.deep.equal({
            scrape_interval: "10s",
            evaluation_interval: "10s",
            external_labels: { project: "ade", stack: "testing", environment: "testing" },
        });
        expect(written["alerting"]).to.deep.equal({ alertmanagers: [{ static_configs: [{ targets: ["alertmanager:9093"] }] }] });
        expect(written["scrape_configs"].map((j: { job_name: string }) => j.job_name)).to.deep.equal([
            "api",
            "worker",
            "prometheus",
            "grafana",
            "alertmanager",
            "postgres-exporter",
            "node-exporter",
        ]);
        expect(written["scrape_configs"][1]).to.deep.equal({
            job_name: "worker",
            metrics_path: "/internal/metrics",
            static_configs: [{ targets: ["worker:9000"], labels: { service: "worker" } }],
        });
    });

    it("evaluates rules at their own interval when one is given", () => {
        const written = parse(config({ evaluationIntervalSeconds: 2 })) as { global: Record<string, string> };
        expect(written.global).to.include({ scrape_interval: "10s", evaluation_interval: "2s" });
    });

    it("passes promtool check config, rule files included", () => {
        fs.writeFileSync(path.join(dir, "rules.yml"), alertRules(rulesArgs));
        fs.writeFileSync(path.join(dir, "prometheus.yml"), config());
        const out = promtool(["check", "config", "prometheus.yml"], dir);
        expect(out).to.include("SUCCESS: prometheus.yml is valid prometheus config file syntax");
        // 10 alerts plus HealthEndpointFailing once per service; memory usage twice plus one limit per service.
        expect(out).to.include("SUCCESS: 18 rules found");
    });

    it("fails promtool when the config is broken (the check can fail)", () => {
        fs.writeFileSync(path.join(dir, "broken.yml"), "global:\n  scrape_interval: soon\nscrape_configs:\n  - job_name: api\n");
        expect(() => promtool(["check", "config", "broken.yml"], dir)).to.throw(/promtool check config broken.yml failed/);
    });
});
