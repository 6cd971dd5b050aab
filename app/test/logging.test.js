// @ts-check
"use strict";

const { expect } = require("chai");
const { startApp, request, closedPort, SECRETS } = require("./helpers");

describe("structured logs", () => {
  it("writes one JSON object per line: startup, each request, shutdown", async () => {
    const app = await startApp({ APP_VERSION: "4.0.1", ADE_ENVIRONMENT: "production" });
    await request("GET", `${app.baseUrl}/health`);
    await request("POST", `${app.baseUrl}/nowhere?token=abc`);
    await app.stop();

    const entries = app.logs.entries();
    expect(entries.length).to.equal(app.logs.lines().length);
    const started = entries.find((e) => e.msg === "started");
    expect(started).to.include({ level: "info", version: "4.0.1", environment: "production" });
    expect(entries.filter((e) => e.msg === "request").map(({ method, path, status }) => ({ method, path, status })))
      .to.deep.equal([
        { method: "GET", path: "/health", status: 200 },
        { method: "POST", path: "/nowhere", status: 404 },
      ]);
    for (const entry of entries.filter((e) => e.msg === "request")) {
      expect(entry.duration_ms).to.be.a("number").and.at.least(0);
    }
    expect(entries.find((e) => e.msg === "shutting down")).to.include({ version: "4.0.1", environment: "production" });
    expect(entries.at(-1)).to.include({ msg: "stopped", version: "4.0.1", environment: "production" });
    for (const entry of entries) {
      expect(entry.time).to.match(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it("never writes the password or the secret key, even at debug level with a failing database", async () => {
    const app = await startApp({
      LOG_LEVEL: "debug",
      DEBUG_ENDPOINTS: "true",
      DATABASE_HOST: "127.0.0.1",
      DATABASE_PORT: String(await closedPort()),
    });
    for (const path of ["/", "/health", "/ready", "/visits", "/debug/config", "/metrics"]) {
      await request("GET", `${app.baseUrl}/${path.slice(1)}`);
    }
    await request("POST", `${app.baseUrl}/visits`);
    await app.stop();

    const text = app.logs.lines().join("\n");
    expect(text).to.include('"msg":"request"');
    expect(text).to.not.include(SECRETS.password);
    expect(text).to.not.include(SECRETS.secretKey);
  });

  it("drops request lines below LOG_LEVEL", async () => {
    const app = await startApp({ LOG_LEVEL: "warn" });
    await request("GET", `${app.baseUrl}/health`);
    await app.stop();
    expect(app.logs.entries().map((e) => e.level)).to.not.include("info");
  });
});
