// @ts-check
"use strict";

/**
 * Docker HEALTHCHECK for images without curl or wget: exits 0 when
 * GET http://127.0.0.1:$PORT/health answers 200 within 3 s, else 1.
 */

const http = require("node:http");

const TIMEOUT_MS = 3000;

/**
 * @param {0 | 1} code
 * @param {string} message
 */
function finish(code, message) {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}

let port;
try {
  // The server's own config loader, so PORT's default lives in one place.
  port = require("./src/config").loadConfig(process.env).port;
} catch (err) {
  finish(1, `unhealthy: ${err instanceof Error ? err.message : String(err)}`);
}

setTimeout(() => finish(1, `unhealthy: no answer from /health within ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();

http
  .get({ host: "127.0.0.1", port, path: "/health", timeout: TIMEOUT_MS }, (res) => {
    res.resume();
    if (res.statusCode === 200) finish(0, "healthy");
    else finish(1, `unhealthy: /health answered ${res.statusCode}`);
  })
  .on("timeout", () => finish(1, `unhealthy: no answer from /health within ${TIMEOUT_MS} ms`))
  .on("error", (err) => finish(1, `unhealthy: ${err.message}`));
