// @ts-check
"use strict";

const http = require("node:http");
const { expect } = require("chai");
const { startApp, request, closedPort } = require("./helpers");

describe("HTTP endpoints", () => {
  /** @type {import("./helpers").RunningApp} */
  let app;
  before(async () => {
    app = await startApp({ APP_VERSION: "2.3.4", ADE_ENVIRONMENT: "testing" });
  });
  after(() => app.stop());

  it("answers GET /health with 200, status ok and the release version", async () => {
    const res = await request("GET", `${app.baseUrl}/health`);
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.equal("application/json; charset=utf-8");
    expect(res.json()).to.deep.equal({ status: "ok", version: "2.3.4" });
  });

  it("answers HEAD /health like GET, without a body", async () => {
    const res = await request("HEAD", `${app.baseUrl}/health`);
    expect(res.status).to.equal(200);
    expect(res.body).to.equal("");
  });

  it("describes itself on GET /", async () => {
    const res = await request("GET", `${app.baseUrl}/`);
    expect(res.status).to.equal(200);
    expect(res.json()).to.deep.equal({
      service: "ade-sample-app",
      version: "2.3.4",
      environment: "testing",
      endpoints: ["GET /", "GET /health", "GET /ready", "GET /metrics", "GET /visits", "POST /visits"],
    });
  });

  it("answers unknown paths with 404, ignoring the query string", async () => {
    const res = await request("GET", `${app.baseUrl}/nope?x=1`);
    expect(res.status).to.equal(404);
    expect(res.json()).to.deep.equal({ error: "not found" });
    expect((await request("GET", `${app.baseUrl}/health?probe=1`)).status).to.equal(200);
  });

  it("answers a known path with a wrong method with 405 and an Allow header", async () => {
    const res = await request("DELETE", `${app.baseUrl}/visits`);
    expect(res.status).to.equal(405);
    expect(res.headers.allow).to.equal("GET, POST");
    expect(res.json()).to.deep.equal({ error: "method DELETE not allowed on /visits" });
  });

  it("answers /visits with 503 when no database is configured", async () => {
    const res = await request("POST", `${app.baseUrl}/visits`);
    expect(res.status).to.equal(503);
    expect(res.json()).to.deep.equal({ error: "database not configured: DATABASE_HOST is not set" });
  });
});

describe("readiness without a database", () => {
  it("answers GET /ready with 503 naming the reason when DATABASE_HOST is unset", async () => {
    const app = await startApp();
    try {
      const res = await request("GET", `${app.baseUrl}/ready`);
      expect(res.status).to.equal(503);
      expect(res.json()).to.deep.equal({
        status: "not ready",
        reason: "database not configured: DATABASE_HOST is not set",
      });
    } finally {
      await app.stop();
    }
  });

  it("answers GET /ready with 503 naming the connection failure when the database is unreachable", async () => {
    const port = await closedPort();
    const app = await startApp({ DATABASE_HOST: "127.0.0.1", DATABASE_PORT: String(port) });
    try {
      const res = await request("GET", `${app.baseUrl}/ready`);
      expect(res.status).to.equal(503);
      expect(res.json()).to.deep.equal({
        status: "not ready",
        reason: `database unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
      });
      const visits = await request("GET", `${app.baseUrl}/visits`);
      expect(visits.status).to.equal(503);
      expect(visits.json()).to.deep.equal({
        error: `database unavailable: connect ECONNREFUSED 127.0.0.1:${port}`,
      });
    } finally {
      await app.stop();
    }
  });

  it("keeps answering /health while the database is unreachable", async () => {
    const app = await startApp({ DATABASE_HOST: "127.0.0.1", DATABASE_PORT: String(await closedPort()) });
    try {
      expect((await request("GET", `${app.baseUrl}/health`)).status).to.equal(200);
    } finally {
      await app.stop();
    }
  });
});

describe("connections and shutdown", () => {
  it("keeps idle keep-alive connections for 65 s, longer than a proxy's idle timeout", async () => {
    const app = await startApp();
    try {
      const res = await new Promise((resolve, reject) => {
        const agent = new http.Agent({ keepAlive: true });
        http
          .get(`${app.baseUrl}/health`, { agent }, (r) => {
            r.resume();
            r.on("end", () => (agent.destroy(), resolve(r)));
          })
          .on("error", reject);
      });
      expect(/** @type {http.IncomingMessage} */ (res).headers["keep-alive"]).to.equal("timeout=65");
    } finally {
      await app.stop();
    }
  });

  it("with DRAIN_SECONDS, answers /ready 503 but keeps serving until the drain ends, then stops listening", async () => {
    const app = await startApp({ DRAIN_SECONDS: "0.5" });
    const stopped = app.stop();
    const ready = await request("GET", `${app.baseUrl}/ready`);
    expect(ready.status).to.equal(503);
    expect(ready.json()).to.deep.equal({ status: "not ready", reason: "shutting down: finishing open requests" });
    expect((await request("GET", `${app.baseUrl}/health`)).status).to.equal(200);
    await stopped;
    const refused = await request("GET", `${app.baseUrl}/health`).then(
      () => "answered",
      (/** @type {NodeJS.ErrnoException} */ err) => err.code,
    );
    expect(refused).to.equal("ECONNREFUSED");
  });
});
