// @ts-check
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const http = require("node:http");
const net = require("node:net");
const { Writable } = require("node:stream");
const { loadConfig } = require("../src/config");
const { createServer } = require("../src/server");

/** Values the tests plant in secret files; no log line or response may contain them. */
const SECRETS = Object.freeze({
  password: "pw-7d1f0c3e-never-log-me",
  secretKey: "key-93ab5e21-never-log-me",
});

/** Writes a file in a fresh temporary directory, removed by `cleanup()`. */
function tempFiles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-app-test-"));
  return {
    /** @param {string} name @param {string} content */
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content, { mode: 0o600 });
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Collects pino's output in memory, one string per line. */
function logSink() {
  /** @type {string[]} */
  const chunks = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    stream,
    lines: () => chunks.join("").split("\n").filter((line) => line !== ""),
    /** @returns {Record<string, any>[]} */
    entries: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line)),
  };
}

/**
 * @typedef {object} RunningApp
 * @property {string} baseUrl
 * @property {number} port
 * @property {ReturnType<typeof logSink>} logs
 * @property {{ passwordFile: string, secretKeyFile: string }} files
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the real server in-process on an ephemeral loopback port, with both
 * secrets delivered as files holding SECRETS.
 *
 * @param {Record<string, string>} [env] variables on top of HOST/PORT/secret files
 * @returns {Promise<RunningApp>}
 */
async function startApp(env = {}) {
  const files = tempFiles();
  const passwordFile = files.write("db-password", `${SECRETS.password}\n`);
  const secretKeyFile = files.write("secret-key", `${SECRETS.secretKey}\n`);
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    APP_SECRET_KEY_FILE: secretKeyFile,
    DATABASE_PASSWORD_FILE: passwordFile,
    ...env,
  });
  const logs = logSink();
  const app = createServer(config, { logDestination: logs.stream, shutdownTimeoutMs: 2000 });
  const { port } = await app.start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    logs,
    files: { passwordFile, secretKeyFile },
    async stop() {
      await app.stop("test finished");
      files.cleanup();
    },
  };
}

/**
 * @typedef {object} Response
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {() => any} json
 */

/**
 * @param {string} method
 * @param {string} url
 * @returns {Promise<Response>}
 */
function request(method, url) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (address === null || typeof address !== "object") throw new Error("no port was bound");
  return address.port;
}

module.exports = { SECRETS, tempFiles, logSink, startApp, request, closedPort };

/**
 * @typedef {object} Sample
 * @property {string} name
 * @property {Record<string, string>} labels
 * @property {number} value
 */

/**
 * Parses the Prometheus text exposition format into samples; comment lines
 * (# HELP, # TYPE) are returned separately.
 *
 * @param {string} text
 */
function parseMetrics(text) {
  /** @type {Sample[]} */
  const samples = [];
  /** @type {Map<string, string>} */
  const types = new Map();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(/** @type {string} */ (type[1]), /** @type {string} */ (type[2]));
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    /** @type {Record<string, string>} */
    const labels = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[/** @type {string} */ (key)] = /** @type {string} */ (value);
    }
    samples.push({ name: /** @type {string} */ (match[1]), labels, value: Number(match[3]) });
  }
  return {
    samples,
    types,
    /**
     * The value of the one sample with this name and (at least) these labels;
     * undefined when there is none.
     *
     * @param {string} name
     * @param {Record<string, string>} [labels]
     */
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
  };
}

module.exports.parseMetrics = parseMetrics;
