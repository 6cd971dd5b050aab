// @ts-check
"use strict";

const { expect } = require("chai");
const http = require("node:http");
const path = require("node:path");
const { execFile } = require("node:child_process");
const { startApp, closedPort } = require("./helpers");

const SCRIPT = path.join(__dirname, "..", "healthcheck.js");

/**
 * @param {number} port
 * @returns {Promise<{ code: number | null, output: string, ms: number }>}
 */
function runHealthcheck(port) {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT], { env: { ...process.env, PORT: String(port) }, timeout: 10000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
      resolve({ code, output: `${stdout}${stderr}`.trim(), ms: Date.now() - started });
    });
  });
}

/**
 * A stand-in server whose /health does what the test needs.
 *
 * @param {http.RequestListener} listener
 */
async function fakeServer(listener) {
  const server = http.createServer(listener);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    port: address.port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

describe("healthcheck.js", () => {
  it("exits 0 when /health answers 200", async () => {
    const app = await startApp();
    try {
      expect(await runHealthcheck(app.port)).to.include({ code: 0, output: "healthy" });
    } finally {
      await app.stop();
    }
  });

  it("exits 1 when nothing listens on PORT", async () => {
    const port = await closedPort();
    expect(await runHealthcheck(port)).to.include({
      code: 1,
      output: `unhealthy: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it("exits 1 when /health answers another status", async () => {
    const server = await fakeServer((_req, res) => res.writeHead(500).end());
    try {
      expect(await runHealthcheck(server.port)).to.include({ code: 1, output: "unhealthy: /health answered 500" });
    } finally {
      await server.close();
    }
  });

  it("exits 1 after 3 s when /health does not answer", async () => {
    const server = await fakeServer(() => {});
    try {
      const result = await runHealthcheck(server.port);
      expect(result).to.include({ code: 1, output: "unhealthy: no answer from /health within 3000 ms" });
      expect(result.ms).to.be.within(2900, 6000);
    } finally {
      await server.close();
    }
  });
});
