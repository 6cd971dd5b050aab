// @ts-check
"use strict";

const { describeError } = require("./database");
const { sign } = require("./secrets");

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} [json]
 * @property {string} [text]
 * @property {Record<string, string>} [headers]
 */

/**
 * @typedef {object} RouteContext
 * @property {import("./config").AppConfig} config
 * @property {import("./secrets").Secrets} secrets
 * @property {import("./metrics").Metrics} metrics
 * @property {import("./database").Database | undefined} database
 * @property {{ draining: boolean }} lifecycle draining is true from the stop signal on
 */

/** @typedef {(ctx: RouteContext) => Promise<Reply>} Handler */

const DATABASE_NOT_CONFIGURED = "database not configured: DATABASE_HOST is not set";

/** @type {Handler} */
async function describe({ config }) {
  return {
    status: 200,
    json: {
      service: "ade-sample-app",
      version: config.version,
      environment: config.environment,
      endpoints: listEndpoints(config),
    },
  };
}

/** @type {Handler} */
async function health({ config }) {
  return { status: 200, json: { status: "ok", version: config.version } };
}

/** @type {Handler} */
async function ready({ database, lifecycle }) {
  if (lifecycle.draining) {
    return { status: 503, json: { status: "not ready", reason: "shutting down: finishing open requests" } };
  }
  if (database === undefined) {
    return { status: 503, json: { status: "not ready", reason: DATABASE_NOT_CONFIGURED } };
  }
  try {
    await database.ping();
    return { status: 200, json: { status: "ready" } };
  } catch (err) {
    return { status: 503, json: { status: "not ready", reason: `database unreachable: ${describeError(err)}` } };
  }
}

/** @type {Handler} */
async function metricsText({ metrics }) {
  return { status: 200, text: await metrics.render(), headers: { "content-type": metrics.contentType } };
}

/**
 * @param {(db: import("./database").Database) => Promise<number>} operation
 * @returns {Handler}
 */
function visits(operation) {
  return async ({ database, secrets }) => {
    if (database === undefined) {
      return { status: 503, json: { error: DATABASE_NOT_CONFIGURED } };
    }
    let count;
    try {
      count = await operation(database);
    } catch (err) {
      return { status: 503, json: { error: `database unavailable: ${describeError(err)}` } };
    }
    const signature = secrets.secretKey === undefined ? null : sign(secrets.secretKey, "visits", count);
    return { status: 200, json: { count, signature } };
  };
}

/**
 * Built field by field from the configuration, which holds secret file paths
 * only; whether each secret was loaded is shown, its value never is.
 *
 * @type {Handler}
 */
async function debugConfig({ config, secrets }) {
  const db = config.database;
  return {
    status: 200,
    json: {
      host: config.host,
      port: config.port,
      version: config.version,
      logLevel: config.logLevel,
      environment: config.environment,
      debugEndpoints: config.debugEndpoints,
      database:
        db === undefined
          ? null
          : {
              host: db.host,
              port: db.port,
              name: db.name,
              user: db.user,
              passwordFile: db.passwordFile ?? null,
              passwordLoaded: secrets.databasePassword !== undefined,
            },
      secretKeyFile: config.secretKeyFile ?? null,
      secretKeyLoaded: secrets.secretKey !== undefined,
    },
  };
}

/**
 * The route table: path -> method -> handler. Paths are exact; the path is
 * also the metrics label, so label values are bounded by this table.
 *
 * @param {import("./config").AppConfig} config
 * @returns {Map<string, Record<string, Handler>>}
 */
function buildRoutes(config) {
  /** @type {[string, Record<string, Handler>][]} */
  const table = [
    ["/", { GET: describe }],
    ["/health", { GET: health }],
    ["/ready", { GET: ready }],
    ["/metrics", { GET: metricsText }],
    [
      "/visits",
      {
        GET: visits((db) => db.readVisits()),
        POST: visits((db) => db.recordVisit()),
      },
    ],
  ];
  const routes = new Map(table);
  if (config.debugEndpoints) {
    routes.set("/debug/config", { GET: debugConfig });
  }
  return routes;
}

/** @param {import("./config").AppConfig} config */
function listEndpoints(config) {
  return [...buildRoutes(config)].flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
}

module.exports = { buildRoutes };
