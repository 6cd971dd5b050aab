import { expect } from "chai";
import { haproxyConfig } from "./haproxy";

describe("the swarm entry proxy's HAProxy config", () => {
    const config = haproxyConfig({
        services: [
            { name: "api", port: 8080, hostPort: 30080, checkPath: "/ready", liveCheckPath: "/health" },
            { name: "grafana", port: 3000, hostPort: 30300, checkPath: "/api/health" },
        ],
        maxTasksPerService: 6,
    });

    it("publishes each service on its host port and finds its tasks through Swarm's DNS", () => {
        expect(config).to.include("frontend api\n  bind :30080\n");
        expect(config).to.include("  server-template task 6 tasks.api:8080\n");
        expect(config).to.include("  server-template task 6 tasks.grafana:3000\n");
        expect(config).to.include("resolvers docker\n  nameserver dns 127.0.0.11:53\n");
    });

    it("sends requests only to tasks whose readiness answers 200: checked every second, out after three failures in a row, back at the first success", () => {
        expect(config).to.include(
            "backend api\n  balance roundrobin\n  option httpchk GET /ready\n  http-check expect status 200\n  default-server check inter 1s fastinter 250ms fall 3 rise 1 observe layer4 error-limit 1 on-error mark-down resolvers docker init-addr none\n",
        );
        expect(config).to.include("  timeout check 2s\n");
    });

    it("keeps a task Swarm's DNS no longer lists while it answers its checks, for up to 40 s (longer than the longest drain)", () => {
        expect(config).to.include("  hold valid 1s\n  hold obsolete 40s\n");
    });

    it("sends requests to the live tasks when no task is ready, for a service that names a liveness path", () => {
        expect(config).to.include("frontend api\n  bind :30080\n  http-request disable-l7-retry if !{ method GET HEAD PUT DELETE OPTIONS TRACE }\n  use_backend api_live if { nbsrv(api) eq 0 }\n  default_backend api\n");
        expect(config).to.include("backend api_live\n  balance roundrobin\n  option httpchk GET /health\n");
        expect(config).to.include("  server-template task 6 tasks.api:8080\n\nbackend api_live\n");
        // Grafana names none: with no ready task, the proxy answers 503 itself.
        expect(config).not.to.include("grafana_live");
        expect(config).to.include("frontend grafana\n  bind :30300\n  http-request disable-l7-retry if !{ method GET HEAD PUT DELETE OPTIONS TRACE }\n  default_backend grafana\n");
    });

    it("retries an idempotent request once, on another task, when its connection fails", () => {
        expect(config).to.include("  retries 1\n  retry-on conn-failure empty-response\n  option redispatch 1\n");
        expect(config).to.include("  http-request disable-l7-retry if !{ method GET HEAD PUT DELETE OPTIONS TRACE }\n");
    });

    it("serves its own metrics for Prometheus and logs one JSON object per request", () => {
        expect(config).to.include("frontend stats\n  bind :8405\n  http-request use-service prometheus-exporter if { path /metrics }\n");
        const format = /log-format '(.*)'/.exec(config)?.[1] ?? "";
        const sample = format.replace(/%\{\+E\}HPO|%[A-Za-z]+/g, (m) => (m === "%ST" || m === "%Ta" || m === "%rc" ? "1" : "x"));
        expect(JSON.parse(sample)).to.have.keys(["time", "client", "frontend", "backend", "server", "method", "path", "status", "duration_ms", "retries"]);
    });
});
