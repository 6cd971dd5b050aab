// @ts-check
"use strict";

const { expect } = require("chai");
const { loadConfig, ConfigError } = require("../src/config");
const { readSecrets, readSecretFile, sign } = require("../src/secrets");
const util = require("node:util");
const crypto = require("node:crypto");
const packageJson = require("../package.json");
const { tempFiles } = require("./helpers");

/** @param {() => unknown} fn */
function configErrorOf(fn) {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return /** @type {ConfigError} */ (err);
  }
  throw new Error("expected a ConfigError, none was thrown");
}

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    expect(loadConfig({})).to.deep.equal({
      host: "0.0.0.0",
      port: 8080,
      version: packageJson.version,
      logLevel: "info",
      environment: "development",
      debugEndpoints: false,
      database: undefined,
      secretKeyFile: undefined,
      drainSeconds: 0,
    });
  });

  it("reads every variable the platform sets", () => {
    expect(
      loadConfig({
        HOST: "127.0.0.1",
        PORT: "9000",
        APP_VERSION: "1.4.2",
        LOG_LEVEL: "debug",
        ADE_ENVIRONMENT: "production",
        DEBUG_ENDPOINTS: "true",
        DATABASE_HOST: "db",
        DATABASE_PORT: "6543",
        DATABASE_NAME: "ade",
        DATABASE_USER: "ade_app",
        DATABASE_PASSWORD_FILE: "/run/secrets/db-password",
        APP_SECRET_KEY_FILE: "/run/secrets/app-key",
        DRAIN_SECONDS: "2.5",
      }),
    ).to.deep.equal({
      host: "127.0.0.1",
      port: 9000,
      version: "1.4.2",
      logLevel: "debug",
      environment: "production",
      debugEndpoints: true,
      database: {
        host: "db",
        port: 6543,
        name: "ade",
        user: "ade_app",
        passwordFile: "/run/secrets/db-password",
      },
      secretKeyFile: "/run/secrets/app-key",
      drainSeconds: 2.5,
    });
  });

  it("defaults the database port, name and user once DATABASE_HOST is set", () => {
    expect(loadConfig({ DATABASE_HOST: "db" }).database).to.deep.equal({
      host: "db",
      port: 5432,
      name: "app",
      user: "app",
      passwordFile: undefined,
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", APP_VERSION: "", DATABASE_HOST: "", LOG_LEVEL: "" })).to.include({
      port: 8080,
      version: packageJson.version,
      logLevel: "info",
      database: undefined,
    });
  });

  const invalid = [
    { env: { PORT: "70000" }, problem: 'PORT: must be an integer 0-65535 (got "70000")' },
    { env: { PORT: "80a" }, problem: 'PORT: must be an integer 0-65535 (got "80a")' },
    { env: { PORT: "-1" }, problem: 'PORT: must be an integer 0-65535 (got "-1")' },
    { env: { DATABASE_PORT: "x" }, problem: 'DATABASE_PORT: must be an integer 0-65535 (got "x")' },
    { env: { LOG_LEVEL: "verbose" }, problem: 'LOG_LEVEL: must be one of debug|info|warn|error (got "verbose")' },
    {
      env: { ADE_ENVIRONMENT: "staging" },
      problem: 'ADE_ENVIRONMENT: must be one of development|testing|production (got "staging")',
    },
    { env: { DEBUG_ENDPOINTS: "yes" }, problem: 'DEBUG_ENDPOINTS: must be "true" or "false" (got "yes")' },
    { env: { DRAIN_SECONDS: "soon" }, problem: 'DRAIN_SECONDS: must be a number of seconds 0-60 (got "soon")' },
    { env: { DRAIN_SECONDS: "61" }, problem: 'DRAIN_SECONDS: must be a number of seconds 0-60 (got "61")' },
  ];
  for (const { env, problem } of invalid) {
    it(`rejects ${JSON.stringify(env)} with "${problem}"`, () => {
      expect(configErrorOf(() => loadConfig(env)).problems).to.deep.equal([problem]);
    });
  }

  it("reports every problem at once, one line each", () => {
    const error = configErrorOf(() => loadConfig({ PORT: "x", LOG_LEVEL: "loud", DEBUG_ENDPOINTS: "1" }));
    expect(error.message).to.equal(
      [
        "invalid configuration:",
        '  PORT: must be an integer 0-65535 (got "x")',
        '  LOG_LEVEL: must be one of debug|info|warn|error (got "loud")',
        '  DEBUG_ENDPOINTS: must be "true" or "false" (got "1")',
      ].join("\n"),
    );
  });
});

describe("secret files", () => {
  /** @type {ReturnType<typeof tempFiles>} */
  let files;
  beforeEach(() => {
    files = tempFiles();
  });
  afterEach(() => files.cleanup());

  const contents = [
    { written: "s3cret\n", read: "s3cret" },
    { written: "s3cret\r\n", read: "s3cret" },
    { written: "s3cret", read: "s3cret" },
    { written: "s3cret \n", read: "s3cret " },
    { written: "s3cret\n\n", read: "s3cret\n" },
  ];
  for (const { written, read } of contents) {
    it(`reads ${JSON.stringify(written)} as ${JSON.stringify(read)} (one trailing newline dropped)`, () => {
      const file = files.write("secret", written);
      expect(readSecretFile("DATABASE_PASSWORD_FILE", file).reveal()).to.equal(read);
    });
  }

  it("reads the database password from DATABASE_PASSWORD_FILE", () => {
    const config = loadConfig({
      DATABASE_HOST: "db",
      DATABASE_PASSWORD_FILE: files.write("db-password", "from-the-file\n"),
    });
    expect(readSecrets(config).databasePassword?.reveal()).to.equal("from-the-file");
  });

  it("ignores a DATABASE_PASSWORD variable: the password only comes from the file", () => {
    const config = loadConfig({ DATABASE_HOST: "db", DATABASE_PASSWORD: "from-env" });
    expect(readSecrets(config).databasePassword).to.equal(undefined);
  });

  it("names the variable, the path and the reason when a secret file is missing, and both at once", () => {
    const config = loadConfig({
      DATABASE_HOST: "db",
      DATABASE_PASSWORD_FILE: "/nonexistent/db-password",
      APP_SECRET_KEY_FILE: "/nonexistent/key",
    });
    expect(configErrorOf(() => readSecrets(config)).problems).to.deep.equal([
      "DATABASE_PASSWORD_FILE: cannot read /nonexistent/db-password (ENOENT); mount the secret file there or unset DATABASE_PASSWORD_FILE",
      "APP_SECRET_KEY_FILE: cannot read /nonexistent/key (ENOENT); mount the secret file there or unset APP_SECRET_KEY_FILE",
    ]);
  });

  it("rejects an empty secret file", () => {
    const file = files.write("key", "\n");
    expect(configErrorOf(() => readSecretFile("APP_SECRET_KEY_FILE", file)).problems).to.deep.equal([
      `APP_SECRET_KEY_FILE: ${file} is empty; write the secret into it or unset APP_SECRET_KEY_FILE`,
    ]);
  });

  it("prints a secret as [redacted] through JSON, String and util.inspect", () => {
    const secret = readSecretFile("APP_SECRET_KEY_FILE", files.write("key", "hunter2"));
    const printed = [JSON.stringify({ secret }), String(secret), `${secret}`, util.inspect({ secret })];
    expect(printed.join(" ")).to.not.include("hunter2");
    expect(printed).to.deep.equal(['{"secret":"[redacted]"}', "[redacted]", "[redacted]", "{ secret: [redacted] }"]);
  });

  it("signs field=value with HMAC-SHA256 of the key", () => {
    const key = readSecretFile("APP_SECRET_KEY_FILE", files.write("key", "k\n"));
    const expected = crypto.createHmac("sha256", "k").update("visits=3").digest("hex");
    expect(sign(key, "visits", 3)).to.equal(expected);
  });
});
