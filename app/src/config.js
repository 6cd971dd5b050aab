// @ts-check
"use strict";

/**
 * Configuration from the environment. This module is the single source of
 * truth for every setting's name, type and default; nothing else repeats a
 * default. The configuration holds secret FILE PATHS only, never secret
 * values, so it is always safe to log or to show on /debug/config.
 */

const packageJson = require("../package.json");

const LOG_LEVELS = /** @type {const} */ (["debug", "info", "warn", "error"]);
const ENVIRONMENTS = /** @type {const} */ (["development", "testing", "production"]);

/** @typedef {typeof LOG_LEVELS[number]} LogLevel */
/** @typedef {typeof ENVIRONMENTS[number]} Environment */

/**
 * @typedef {object} DatabaseConfig
 * @property {string} host
 * @property {number} port
 * @property {string} name
 * @property {string} user
 * @property {string | undefined} passwordFile Path of the file holding the password; undefined connects without one.
 */

/**
 * @typedef {object} AppConfig
 * @property {string} host Address the HTTP server binds.
 * @property {number} port TCP port; 0 asks the OS for a free one.
 * @property {string} version Release version reported by /health, logs and app_info.
 * @property {LogLevel} logLevel
 * @property {Environment} environment
 * @property {boolean} debugEndpoints Whether GET /debug/config exists.
 * @property {DatabaseConfig | undefined} database Undefined when DATABASE_HOST is unset: /ready and /visits then answer 503.
 * @property {string | undefined} secretKeyFile Path of the HMAC key file; undefined leaves /visits unsigned.
 * @property {number} drainSeconds On SIGTERM, how long /ready answers 503 while requests are still served, so a load balancer takes the instance out before it stops listening (DRAIN_SECONDS, 0 by default).
 */

/** A user error: the environment is wrong. Carries every problem, one line each. */
class ConfigError extends Error {
  /** @param {string[]} problems */
  constructor(problems) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Reads the environment. Empty values count as unset, because env files and
 * compose files write `NAME=` for "no value".
 *
 * @param {Record<string, string | undefined>} env
 * @returns {AppConfig}
 * @throws {ConfigError} listing every invalid variable at once
 */
function loadConfig(env) {
  /** @type {string[]} */
  const problems = [];
  /** @param {string} name */
  const read = (name) => {
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
  };

  const databaseHost = read("DATABASE_HOST");
  const databasePort = parsePort("DATABASE_PORT", read("DATABASE_PORT") ?? "5432", problems);
  const config = {
    host: read("HOST") ?? "0.0.0.0",
    port: parsePort("PORT", read("PORT") ?? "8080", problems),
    version: read("APP_VERSION") ?? packageJson.version,
    logLevel: parseChoice("LOG_LEVEL", read("LOG_LEVEL") ?? "info", LOG_LEVELS, problems),
    environment: parseChoice("ADE_ENVIRONMENT", read("ADE_ENVIRONMENT") ?? "development", ENVIRONMENTS, problems),
    debugEndpoints: parseBoolean("DEBUG_ENDPOINTS", read("DEBUG_ENDPOINTS") ?? "false", problems),
    database:
      databaseHost === undefined
        ? undefined
        : {
            host: databaseHost,
            port: databasePort,
            name: read("DATABASE_NAME") ?? "app",
            user: read("DATABASE_USER") ?? "app",
            passwordFile: read("DATABASE_PASSWORD_FILE"),
          },
    secretKeyFile: read("APP_SECRET_KEY_FILE"),
    drainSeconds: parseSeconds("DRAIN_SECONDS", read("DRAIN_SECONDS") ?? "0", problems),
  };
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

/**
 * @param {string} name
 * @param {string} raw
 * @param {string[]} problems
 */
function parsePort(name, raw, problems) {
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    problems.push(`${name}: must be an integer 0-65535 (got ${JSON.stringify(raw)})`);
    return 0;
  }
  return port;
}

/**
 * @param {string} name
 * @param {string} raw
 * @param {string[]} problems
 */
function parseSeconds(name, raw, problems) {
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds >= 0 && seconds <= 60)) {
    problems.push(`${name}: must be a number of seconds 0-60 (got ${JSON.stringify(raw)})`);
    return 0;
  }
  return seconds;
}

/**
 * @template {string} T
 * @param {string} name
 * @param {string} raw
 * @param {readonly T[]} allowed
 * @param {string[]} problems
 * @returns {T}
 */
function parseChoice(name, raw, allowed, problems) {
  const match = allowed.find((choice) => choice === raw);
  if (match === undefined) {
    problems.push(`${name}: must be one of ${allowed.join("|")} (got ${JSON.stringify(raw)})`);
    return /** @type {T} */ (allowed[0]);
  }
  return match;
}

/**
 * Strict on purpose: "yes" or "1" silently meaning "off" would hide a typo in
 * the setting that exposes debug endpoints.
 *
 * @param {string} name
 * @param {string} raw
 * @param {string[]} problems
 */
function parseBoolean(name, raw, problems) {
  if (raw !== "true" && raw !== "false") {
    problems.push(`${name}: must be "true" or "false" (got ${JSON.stringify(raw)})`);
  }
  return raw === "true";
}

module.exports = { loadConfig, ConfigError, LOG_LEVELS, ENVIRONMENTS };
