// @ts-check
"use strict";

const { expect } = require("chai");
const { startApp, request, parseMetrics, SECRETS } = require("./helpers");

describe("GET /debug/config", () => {
  it("does not exist unless DEBUG_ENDPOINTS is true, and counts as unmatched", async () => {
    const app = await startApp();
    try {
      expect((await request("GET", `${app.baseUrl}/debug/config`)).status).to.equal(404);
      const metrics = parseMetrics((await request("GET", `${app.baseUrl}/metrics`)).body);
      expect(metrics.value("http_requests_total", { route: "unmatched", status: "404" })).to.equal(1);
      expect(metrics.value("http_requests_total", { route: "/debug/config" })).to.equal(undefined);
    } finally {
      await app.stop();
    }
  });

  it("shows the non-secret configuration and whether each secret loaded, never a secret value", async () => {
    const app = await startApp({
      DEBUG_ENDPOINTS: "true",
      APP_VERSION: "5.0.0",
      ADE_ENVIRONMENT: "testing",
      DATABASE_HOST: "db.internal",
      DATABASE_NAME: "ade",
      DATABASE_USER: "ade_app",
    });
    try {
      const res = await request("GET", `${app.baseUrl}/debug/config`);
      expect(res.status).to.equal(200);
      expect(res.body).to.not.include(SECRETS.password);
      expect(res.body).to.not.include(SECRETS.secretKey);
      expect(res.json()).to.deep.equal({
        host: "127.0.0.1",
        port: 0,
        version: "5.0.0",
        logLevel: "info",
        environment: "testing",
        debugEndpoints: true,
        database: {
          host: "db.internal",
          port: 5432,
          name: "ade",
          user: "ade_app",
          passwordFile: app.files.passwordFile,
          passwordLoaded: true,
        },
        secretKeyFile: app.files.secretKeyFile,
        secretKeyLoaded: true,
      });
      const root = (await request("GET", `${app.baseUrl}/`)).json();
      expect(root.endpoints).to.include("GET /debug/config");
    } finally {
      await app.stop();
    }
  });
});
