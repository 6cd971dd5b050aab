// @ts-check
"use strict";

const http = require("node:http");
const { loadConfig, ConfigError } = require("./config");
const { readSecrets } = require("./secrets");
const { createLogger } = require("./logger");
const { createMetrics } = require("./metrics");
const { createDatabase, describeError } = require("./database");
const { buildRoutes } = require("./routes");

/**
 * @typedef {object} ServerOptions
 * @property {import("pino").DestinationStream} [logDestination] where JSON log lines go; stdout when omitted
 * @property {number} [shutdownTimeoutMs] how long stop() waits for open requests before cutting connections; 8000 when omitted, inside Docker's 10 s stop grace period
 */

/**
 * Idle keep-alive connections stay open this long: longer than the idle timeout
 * of a proxy or client in front, so the server never closes a connection at the
 * moment the other side reuses it (Node's default is 5 s). Headers must arrive
 * within a second more.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Builds the whole service without listening, so tests can run it in-process.
 * Secret files are read here, once: a missing or empty one fails creation.
 *
 * @param {import("./config").AppConfig} config
 * @param {ServerOptions} [options]
 */
function createServer(config, options = {}) {
  const logger = createLogger({ level: config.logLevel }, options.logDestination);
  const secrets = readSecrets(config);
  const metrics = createMetrics({ version: config.version });
  const database =
    config.database === undefined ? undefined : createDatabase(config.database, secrets.databasePassword, logger);
  const lifecycle = { draining: false };
  const context = { config, secrets, metrics, database, lifecycle };
  const server = http.createServer(createRequestListener(context, logger));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  const identity = { version: config.version, environment: config.environment };
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 8000;

  /** @type {Promise<void>} */
  let schemaAttempt = Promise.resolve();
  /** @type {Promise<void> | undefined} */
  let stopping;

  async function listen() {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve(undefined);
      });
    });
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : config.port;
  }

  /** @param {string} reason */
  async function shutdown(reason) {
    logger.info({ ...identity, reason, drainSeconds: config.drainSeconds }, "shutting down");
    if (config.drainSeconds > 0 && server.listening) {
      // Still serving, but no longer ready: load balancers stop sending new requests first.
      lifecycle.draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.drainSeconds * 1000));
    }
    if (server.listening) {
      const closed = new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve(undefined))));
      // Node 18's close() leaves idle keep-alive sockets open until they time out.
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ shutdownTimeoutMs }, "requests still open at the shutdown timeout; closing their connections");
        server.closeAllConnections();
      }, shutdownTimeoutMs);
      try {
        await closed;
      } finally {
        clearTimeout(timer);
      }
    }
    await schemaAttempt;
    await database?.close();
    logger.info(identity, "stopped");
  }

  return {
    logger,

    /** @returns {Promise<{ port: number }>} the port actually bound (useful with port 0) */
    async start() {
      const port = await listen();
      logger.info({ ...identity, host: config.host, port, debugEndpoints: config.debugEndpoints }, "started");
      if (config.debugEndpoints && config.environment === "production") {
        logger.warn("DEBUG_ENDPOINTS is true in production: /debug/config shows the non-secret configuration");
      }
      if (secrets.secretKey === undefined) {
        logger.warn("APP_SECRET_KEY_FILE is not set: /visits responses carry no signature");
      }
      if (database === undefined) {
        logger.warn("DATABASE_HOST is not set: /ready and /visits answer 503");
      } else {
        // Not awaited: liveness must not wait for the database, which may
        // start after this container. /visits retries the schema on demand.
        schemaAttempt = database.ensureSchema().then(
          () => logger.info("database schema ready"),
          (err) => logger.warn({ reason: describeError(err) }, "database schema not created yet; /visits will retry"),
        );
      }
      return { port };
    },

    /**
     * Stops accepting connections, lets open requests finish, ends the pool.
     * Safe to call more than once.
     *
     * @param {string} [reason]
     */
    stop(reason = "stop requested") {
      stopping ??= shutdown(reason);
      return stopping;
    },
  };
}

/**
 * @param {import("./routes").RouteContext} context
 * @param {import("pino").Logger} logger
 * @returns {http.RequestListener}
 */
function createRequestListener(context, logger) {
  const routes = buildRoutes(context.config);
  return (req, res) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? "GET";
    // Split rather than new URL(): "//host/x" would parse as a host name.
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const methods = routes.get(path);
    const route = methods === undefined ? "unmatched" : path;

    res.once("finish", () => {
      const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      context.metrics.observeRequest({ method, route, status: res.statusCode, durationSeconds });
      logger.info(
        { method, path, status: res.statusCode, duration_ms: Math.round(durationSeconds * 1e6) / 1e3 },
        "request",
      );
    });

    /** @type {Promise<import("./routes").Reply>} */
    let reply;
    if (methods === undefined) {
      reply = Promise.resolve({ status: 404, json: { error: "not found" } });
    } else {
      const handler = methods[method] ?? (method === "HEAD" ? methods.GET : undefined);
      reply =
        handler === undefined
          ? Promise.resolve({
              status: 405,
              json: { error: `method ${method} not allowed on ${path}` },
              headers: { allow: Object.keys(methods).join(", ") },
            })
          : handler(context);
    }
    reply.then(
      (r) => send(res, r),
      (err) => {
        logger.error({ err, method, path }, "request handler failed");
        send(res, { status: 500, json: { error: "internal error" } });
      },
    );
  };
}

/**
 * @param {http.ServerResponse} res
 * @param {import("./routes").Reply} reply
 */
function send(res, reply) {
  const body = reply.text ?? JSON.stringify(reply.json ?? null);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...reply.headers,
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

async function main() {
  const config = loadConfig(process.env);
  const app = createServer(config);
  await app.start();
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      app.stop(signal).then(
        () => process.exit(0),
        (err) => {
          app.logger.fatal({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}

if (require.main === module) {
  main().catch((err) => {
    const logger = createLogger({ level: "info" });
    if (err instanceof ConfigError) {
      // A user error: say what to fix, no stack trace.
      logger.fatal({ problems: err.problems }, err.message);
    } else {
      logger.fatal({ err }, "failed to start");
    }
    process.exit(1);
  });
}

module.exports = { createServer, main };
