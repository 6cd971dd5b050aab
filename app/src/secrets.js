// @ts-check
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");
const util = require("node:util");
const { ConfigError } = require("./config");

/**
 * A secret value that cannot leak by accident: JSON, string conversion and
 * util.inspect (console.log, pino) all print "[redacted]". Only reveal()
 * returns the value, so every use of it is visible in the code.
 */
class Secret {
  /** @type {string} */
  #value;

  /** @param {string} value */
  constructor(value) {
    this.#value = value;
  }

  reveal() {
    return this.#value;
  }

  toJSON() {
    return "[redacted]";
  }

  toString() {
    return "[redacted]";
  }

  [util.inspect.custom]() {
    return "[redacted]";
  }
}

/**
 * Reads a secret delivered as a file (a Docker secret or a mounted file).
 * One trailing newline is dropped because `echo value > file` adds it; any
 * other whitespace is part of the secret.
 *
 * @param {string} variable the environment variable that named the file, for messages
 * @param {string} path
 * @returns {Secret}
 * @throws {ConfigError} when the file is missing, unreadable or empty
 */
function readSecretFile(variable, path) {
  let text;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code ?? "unknown error";
    throw new ConfigError([`${variable}: cannot read ${path} (${code}); mount the secret file there or unset ${variable}`]);
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") {
    throw new ConfigError([`${variable}: ${path} is empty; write the secret into it or unset ${variable}`]);
  }
  return new Secret(value);
}

/**
 * @typedef {object} Secrets
 * @property {Secret | undefined} databasePassword
 * @property {Secret | undefined} secretKey
 */

/**
 * Reads every secret file the configuration names, reporting all failures at once.
 *
 * @param {import("./config").AppConfig} config
 * @returns {Secrets}
 */
function readSecrets(config) {
  /** @type {string[]} */
  const problems = [];
  /**
   * @param {string} variable
   * @param {string | undefined} path
   */
  const attempt = (variable, path) => {
    if (path === undefined) return undefined;
    try {
      return readSecretFile(variable, path);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const secrets = {
    databasePassword: attempt("DATABASE_PASSWORD_FILE", config.database?.passwordFile),
    secretKey: attempt("APP_SECRET_KEY_FILE", config.secretKeyFile),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return secrets;
}

/**
 * HMAC-SHA256 of `field=value`, hex. Clients holding the key can check that a
 * response came from an instance that was given the same key.
 *
 * @param {Secret} key
 * @param {string} field
 * @param {string | number} value
 */
function sign(key, field, value) {
  return crypto.createHmac("sha256", key.reveal()).update(`${field}=${value}`).digest("hex");
}

module.exports = { Secret, readSecretFile, readSecrets, sign };
