import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { probeAll, readInput, report } from "./healthProbe";

/** A loopback server answering `status` with `body` (after `healthyAfter` failed requests, 200). */
async function serve(status: number, body: string, healthyAfter = Infinity): Promise<{ url: string; close: () => void; hits: () => number }> {
    let hits = 0;
    const server = http.createServer((_req, res) => {
        hits += 1;
        const ok = hits > healthyAfter;
        res.writeHead(ok ? 200 : status, { "Content-Type": "application/json" });
        res.end(ok ? '{"status":"ok"}' : body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/health`, close: () => server.close(), hits: () => hits };
}

/**
 * Every server here answers at once (or refuses at once), so no request waits for its timeout; a
 * long one keeps a request slowed by a busy machine (or the first, which loads fetch) from failing.
 * At least 3 attempts fit in the deadline unless a request takes more than 0.23 s.
 */
const fast = { deadlineSeconds: 0.5, intervalSeconds: 0.01, requestTimeoutSeconds: 10 };
/** A deadline already passed: one request, whose answer is the result (what a failing probe reports at its deadline). */
const oneAttempt = { ...fast, deadlineSeconds: 0 };

/** A loopback Prometheus answering /api/v1/targets with these targets. */
async function prometheus(targets: object[]): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ status: "success", data: { activeTargets: targets, droppedTargets: [] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/api/v1/targets`, close: () => server.close() };
}

describe("health probe: Prometheus's scrape targets", () => {
    const target = (job: string, health: string, lastError = "") => ({ labels: { job }, scrapeUrl: `http://${job}/metrics`, health, lastError });
    const cases: { title: string; targets: object[]; healthy: boolean; answer: string }[] = [
        { title: "passes when every target is up", targets: [target("api", "up"), target("grafana", "up")], healthy: true, answer: "all 2 scrape targets up" },
        {
            title: "names each target that is down, with Prometheus's error",
            targets: [target("api", "down", 'Get "http://api:8080/metrics": dial tcp: lookup api on 127.0.0.11:53: no such host'), target("grafana", "up")],
            healthy: false,
            answer: 'scrape targets not up: api (Get "http://api:8080/metrics": dial tcp: lookup api on 127.0.0.11:53: no such host)',
        },
        { title: "waits for targets not scraped yet", targets: [target("api", "unknown")], healthy: false, answer: "scrape targets not up: api (not scraped yet)" },
        { title: "fails while Prometheus has no targets", targets: [], healthy: false, answer: "Prometheus has no scrape targets yet" },
    ];
    for (const c of cases) {
        it(c.title, async () => {
            const server = await prometheus(c.targets);
            try {
                const [result] = await probeAll([{ name: "scrape targets", url: server.url, kind: "prometheus-targets" }], oneAttempt);
                expect([result?.healthy, result?.answer]).to.deep.equal([c.healthy, c.answer]);
            } finally {
                server.close();
            }
        });
    }
});

describe("health probe", () => {
    it("passes when every service answers 200", async () => {
        const api = await serve(200, '{"status":"ok"}');
        try {
            const results = await probeAll([{ name: "api", url: api.url }], fast);
            expect(results.map((r) => [r.name, r.healthy, r.attempts, r.answer])).to.deep.equal([["api", true, 1, 'HTTP 200: {"status":"ok"}']]);
            expect(report(results)).to.deep.include({ ok: true });
        } finally {
            api.close();
        }
    });

    it("retries until a service becomes healthy within the deadline", async () => {
        const api = await serve(503, "starting", 3);
        try {
            // A long deadline costs nothing here: the probe returns as soon as the service is healthy.
            const [result] = await probeAll([{ name: "api", url: api.url }], { ...fast, deadlineSeconds: 20 });
            expect(result?.healthy).to.equal(true);
            expect(result?.attempts).to.equal(4);
        } finally {
            api.close();
        }
    });

    it("names the unhealthy service and what it answered", async () => {
        const api = await serve(500, '{"status":"broken"}');
        const grafana = await serve(200, "{}");
        try {
            const results = await probeAll(
                [
                    { name: "api", url: api.url },
                    { name: "grafana", url: grafana.url },
                ],
                fast,
            );
            const { ok, text } = report(results);
            expect(ok).to.equal(false);
            expect(text.split("\n")[0]).to.equal('Health verification failed: "api" (HTTP 500: {"status":"broken"})');
            expect(api.hits()).to.be.greaterThan(2);
        } finally {
            api.close();
            grafana.close();
        }
    });

    it("reports a service that does not answer at all", async () => {
        const gone = await serve(200, "");
        gone.close();
        const [result] = await probeAll([{ name: "prometheus", url: gone.url }], oneAttempt);
        expect(result?.healthy).to.equal(false);
        expect(result?.answer).to.equal("no answer (ECONNREFUSED)");
    });

    it("reads its targets and timing from the environment, refusing bad values", () => {
        expect(readInput({ ADE_HEALTH_TARGETS: '[{"name":"api","url":"http://127.0.0.1:1/health"}]', ADE_HEALTH_DEADLINE_SECONDS: "30" })).to.deep.equal({
            targets: [{ name: "api", url: "http://127.0.0.1:1/health" }],
            options: { deadlineSeconds: 30, intervalSeconds: 2, requestTimeoutSeconds: 3 },
        });
        expect(() => readInput({})).to.throw("ADE_HEALTH_TARGETS must be a non-empty JSON array of {name, url}");
        expect(() => readInput({ ADE_HEALTH_TARGETS: '[{"name":"a","url":"u"}]', ADE_HEALTH_INTERVAL_SECONDS: "soon" })).to.throw(
            'ADE_HEALTH_INTERVAL_SECONDS must be a positive number (got "soon")',
        );
    });
});
