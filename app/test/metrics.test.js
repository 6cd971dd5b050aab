// @ts-check
"use strict";

const { expect } = require("chai");
const { startApp, request, parseMetrics } = require("./helpers");

describe("GET /metrics", () => {
  /** @type {import("./helpers").RunningApp} */
  let app;
  beforeEach(async () => {
    app = await startApp({ APP_VERSION: "3.1.0" });
  });
  afterEach(() => app.stop());

  const scrape = async () => {
    const res = await request("GET", `${app.baseUrl}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.match(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(res.body);
  };

  it("exposes default process metrics", async () => {
    const metrics = await scrape();
    expect(metrics.types.get("process_cpu_user_seconds_total")).to.equal("counter");
    expect(metrics.types.get("process_resident_memory_bytes")).to.equal("gauge");
    expect(metrics.types.get("nodejs_heap_size_used_bytes")).to.equal("gauge");
  });

  it("exposes app_info with the release version and value 1", async () => {
    const metrics = await scrape();
    expect(metrics.types.get("app_info")).to.equal("gauge");
    expect(metrics.samples.filter((s) => s.name === "app_info")).to.deep.equal([
      { name: "app_info", labels: { version: "3.1.0" }, value: 1 },
    ]);
  });

  it("counts requests by method, route and status", async () => {
    const labels = { method: "GET", route: "/health", status: "200" };
    expect((await scrape()).value("http_requests_total", labels)).to.equal(undefined);
    await request("GET", `${app.baseUrl}/health`);
    await request("GET", `${app.baseUrl}/health`);
    await request("GET", `${app.baseUrl}/ready`);
    const metrics = await scrape();
    expect(metrics.types.get("http_requests_total")).to.equal("counter");
    expect(metrics.value("http_requests_total", labels)).to.equal(2);
    expect(metrics.value("http_requests_total", { method: "GET", route: "/ready", status: "503" })).to.equal(1);
    // The first scrape is counted once its response has finished.
    expect(metrics.value("http_requests_total", { method: "GET", route: "/metrics", status: "200" })).to.equal(1);
  });

  it("records request durations in a histogram with every bucket, _sum and _count", async () => {
    await request("GET", `${app.baseUrl}/health`);
    const metrics = await scrape();
    const labels = { method: "GET", route: "/health", status: "200" };
    expect(metrics.types.get("http_request_duration_seconds")).to.equal("histogram");
    const buckets = metrics.samples
      .filter((s) => s.name === "http_request_duration_seconds_bucket" && s.labels.route === "/health")
      .map((s) => s.labels.le);
    expect(buckets).to.deep.equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]);
    expect(metrics.value("http_request_duration_seconds_bucket", { ...labels, le: "+Inf" })).to.equal(1);
    expect(metrics.value("http_request_duration_seconds_count", labels)).to.equal(1);
    expect(metrics.value("http_request_duration_seconds_sum", labels)).to.be.greaterThan(0);
  });

  it('counts unknown paths under the one route label "unmatched"', async () => {
    for (const path of ["/nope", "/a/b/c", "/health/", "/visits/1?x=y", "/%2e%2e/etc"]) {
      expect((await request("GET", `${app.baseUrl}${path}`)).status).to.equal(404);
    }
    const metrics = await scrape();
    const routes = new Set(metrics.samples.filter((s) => s.name === "http_requests_total").map((s) => s.labels.route));
    // The scrape itself is counted only after its body is rendered.
    expect([...routes]).to.deep.equal(["unmatched"]);
    expect(metrics.value("http_requests_total", { method: "GET", route: "unmatched", status: "404" })).to.equal(5);
  });
});
