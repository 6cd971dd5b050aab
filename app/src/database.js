// @ts-check
"use strict";

const { Pool } = require("pg");

const CREATE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS visit_counter (
    id smallint PRIMARY KEY CHECK (id = 1),
    count bigint NOT NULL
  )`;
const INCREMENT = `
  INSERT INTO visit_counter (id, count) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET count = visit_counter.count + 1
  RETURNING count`;
const READ = "SELECT count FROM visit_counter WHERE id = 1";

// Two instances creating the table at once: the loser sees one of these, and
// the table exists either way.
const ALREADY_CREATED = new Set(["23505", "42P07"]);

/**
 * @param {import("./config").DatabaseConfig} config
 * @param {import("./secrets").Secret | undefined} password
 * @param {import("pino").Logger} logger
 */
function createDatabase(config, password, logger) {
  const pool = new Pool({
    host: config.host,
    port: config.port,
    database: config.name,
    user: config.user,
    password: password?.reveal(),
    max: 5,
    // Readiness probes must answer well inside their own timeout.
    connectionTimeoutMillis: 2000,
    query_timeout: 2000,
    application_name: "ade-sample-app",
  });
  // Without a listener an idle client's error (the server restarting) would
  // crash the process; the next query reconnects instead.
  pool.on("error", (err) => logger.warn({ reason: describeError(err) }, "idle database connection failed"));

  /** @type {Promise<void> | undefined} */
  let schema;

  /** Creates the table once; a failure is not cached, so the next call retries. */
  function ensureSchema() {
    schema ??= pool.query(CREATE_SCHEMA).then(
      () => undefined,
      (/** @type {any} */ err) => {
        if (ALREADY_CREATED.has(err?.code)) return;
        schema = undefined;
        throw err;
      },
    );
    return schema;
  }

  return {
    ensureSchema,

    async ping() {
      await pool.query("SELECT 1");
    },

    /** @returns {Promise<number>} */
    async readVisits() {
      await ensureSchema();
      const result = await pool.query(READ);
      return Number(result.rows[0]?.count ?? 0);
    },

    /** @returns {Promise<number>} the count after this visit */
    async recordVisit() {
      await ensureSchema();
      const result = await pool.query(INCREMENT);
      return Number(result.rows[0].count);
    },

    close: () => pool.end(),
  };
}

/**
 * A one-line reason for logs and 503 bodies. Connecting to "localhost" can
 * fail on IPv6 and IPv4 at once, which Node reports as an AggregateError with
 * an empty message, so the individual errors are spelled out.
 *
 * @param {unknown} err
 * @returns {string}
 */
function describeError(err) {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map(describeError).join("; ");
  }
  if (err instanceof Error) {
    return err.message || /** @type {NodeJS.ErrnoException} */ (err).code || err.name;
  }
  return String(err);
}

/** @typedef {ReturnType<typeof createDatabase>} Database */

module.exports = { createDatabase, describeError };
