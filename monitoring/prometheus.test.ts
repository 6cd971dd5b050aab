import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { alertRules, prometheusConfig, scrapeTargets } from "./prometheus";

/** The real promtool from Debian's prometheus package; CI installs it, so its absence is a failure. */
function promtool(args: string[], cwd: string): string {
    try {
        return execFileSync("promtool", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        if (e.code === "ENOENT") throw new Error("promtool is not installed: apt-get install prometheus (scripts/test.sh does this)");
        throw new Error(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
}

const services = {
    api: { port: 8080, metricsPath: "/metrics" as string | null },
    worker: { port: 9000, metricsPath: "/internal/metrics" as string | null },
    migrations: { port: 8000, metricsPath: null },
};

describe("Prometheus configuration", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-promtool-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("scrapes every service that exposes metrics, plus Prometheus and Grafana", () => {
        expect(scrapeTargets(services)).to.deep.equal([
            { job: "api", address: "api:8080", metricsPath: "/metrics" },
            { job: "worker", address: "worker:9000", metricsPath: "/internal/metrics" },
            { job: "prometheus", address: "localhost:9090", metricsPath: "/metrics" },
            { job: "grafana", address: "grafana:3000", metricsPath: "/metrics" },
        ]);
    });

    it("writes one job per target with the environment as an external label", () => {
        const config = parse(
            prometheusConfig({ project: "ade", environment: "testing", scrapeIntervalSeconds: 10, targets: scrapeTargets(services), rulesFile: "rules.yml" }),
        ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(config["global"]).to.deep.equal({
            scrape_interval: "10s",
            evaluation_interval: "10s",
            external_labels: { project: "ade", environment: "testing" },
        });
        expect(config["scrape_configs"].map((j: { job_name: string }) => j.job_name)).to.deep.equal(["api", "worker", "prometheus", "grafana"]);
        expect(config["scrape_configs"][1]).to.deep.equal({
            job_name: "worker",
            metrics_path: "/internal/metrics",
            static_configs: [{ targets: ["worker:9000"], labels: { service: "worker" } }],
        });
    });

    it("passes promtool check config, rule files included", () => {
        fs.writeFileSync(path.join(dir, "rules.yml"), alertRules({ errorRatePercent: 5, restartsPerHour: 3 }));
        fs.writeFileSync(
            path.join(dir, "prometheus.yml"),
            prometheusConfig({ project: "ade", environment: "production", scrapeIntervalSeconds: 15, targets: scrapeTargets(services), rulesFile: "rules.yml" }),
        );
        const out = promtool(["check", "config", "prometheus.yml"], dir);
        expect(out).to.include("SUCCESS: prometheus.yml is valid prometheus config file syntax");
        expect(out).to.include("SUCCESS: 3 rules found");
    });

    it("fails promtool when the config is broken (the check can fail)", () => {
        fs.writeFileSync(path.join(dir, "broken.yml"), "global:\n  scrape_interval: soon\nscrape_configs:\n  - job_name: api\n");
        expect(() => promtool(["check", "config", "broken.yml"], dir)).to.throw(/promtool check config broken.yml failed/);
    });

    it("fires the alert rules on the situations they name (promtool test rules)", () => {
        fs.writeFileSync(path.join(dir, "rules.yml"), alertRules({ errorRatePercent: 5, restartsPerHour: 3 }));
        const tests = {
            rule_files: ["rules.yml"],
            evaluation_interval: "1m",
            tests: [
                {
                    interval: "1m",
                    input_series: [
                        { series: 'up{job="api",instance="api:8080"}', values: "1 0 0 0 0" },
                        { series: 'http_requests_total{job="api",status="200"}', values: "0+60x10" },
                        { series: 'http_requests_total{job="api",status="500"}', values: "0+30x10" },
                        { series: 'process_start_time_seconds{job="api",instance="api:8080"}', values: "1 2 3 4 5 6" },
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "4m",
                            alertname: "TargetDown",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "critical", job: "api", instance: "api:8080" },
                                    exp_annotations: { summary: "api (api:8080) is down" },
                                },
                            ],
                        },
                        {
                            eval_time: "10m",
                            alertname: "HighErrorRate",
                            exp_alerts: [
                                { exp_labels: { severity: "warning", job: "api" }, exp_annotations: { summary: "api answers more than 5% of requests with 5xx" } },
                            ],
                        },
                        {
                            eval_time: "5m",
                            alertname: "FrequentRestarts",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "warning", job: "api", instance: "api:8080" },
                                    exp_annotations: { summary: "api restarted more than 3 times in an hour" },
                                },
                            ],
                        },
                    ],
                },
            ],
        };
        fs.writeFileSync(path.join(dir, "rules.test.yml"), stringify(tests));
        expect(promtool(["test", "rules", "rules.test.yml"], dir)).to.include("SUCCESS");
    });
});
