// @ts-check
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");
const { expect } = require("chai");
const { Client } = require("pg");
const { startApp, request, tempFiles, SECRETS } = require("./helpers");

/**
 * These tests need a real PostgreSQL. `npm run test:db` starts a throwaway
 * cluster and sets the variables; without them the suite is skipped, aloud.
 */
const TEST_DB = {
  host: process.env.TEST_DATABASE_HOST ?? "",
  port: process.env.TEST_DATABASE_PORT ?? "5432",
  name: process.env.TEST_DATABASE_NAME ?? "postgres",
  user: process.env.TEST_DATABASE_USER ?? "postgres",
  passwordFile: process.env.TEST_DATABASE_PASSWORD_FILE ?? "",
};

/** The app's variables pointing at the test database. */
const dbEnv = () => ({
  DATABASE_HOST: TEST_DB.host,
  DATABASE_PORT: TEST_DB.port,
  DATABASE_NAME: TEST_DB.name,
  DATABASE_USER: TEST_DB.user,
  DATABASE_PASSWORD_FILE: TEST_DB.passwordFile,
});

/** A direct connection, to look at and reset what the app stored. */
async function connect() {
  const client = new Client({
    host: TEST_DB.host,
    port: Number(TEST_DB.port),
    database: TEST_DB.name,
    user: TEST_DB.user,
    password: fs.readFileSync(TEST_DB.passwordFile, "utf8").replace(/\r?\n$/, ""),
  });
  await client.connect();
  return client;
}

/**
 * @param {string} condition what to wait for, for the failure message
 * @param {() => boolean} predicate
 */
async function waitFor(condition, predicate, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** @param {number} count */
const signature = (count) => crypto.createHmac("sha256", SECRETS.secretKey).update(`visits=${count}`).digest("hex");

describe("with a real PostgreSQL", function () {
  before(function () {
    const missing = ["TEST_DATABASE_HOST", "TEST_DATABASE_PASSWORD_FILE"].filter((name) => !process.env[name]);
    if (missing.length > 0) {
      console.warn(
        `\n  SKIPPING the PostgreSQL tests: ${missing.join(" and ")} not set.` +
          "\n  Run `npm run test:db` to run them against a throwaway cluster, or set TEST_DATABASE_HOST," +
          "\n  TEST_DATABASE_PORT, TEST_DATABASE_NAME, TEST_DATABASE_USER and TEST_DATABASE_PASSWORD_FILE.\n",
      );
      this.skip();
    }
  });

  it("answers GET /ready with 200 once SELECT 1 succeeds, using the password from the file", async () => {
    const app = await startApp(dbEnv());
    try {
      const res = await request("GET", `${app.baseUrl}/ready`);
      expect(res.status).to.equal(200);
      expect(res.json()).to.deep.equal({ status: "ready" });
    } finally {
      await app.stop();
    }
  });

  it("creates the visit_counter table on start when it is missing", async () => {
    const client = await connect();
    try {
      await client.query("DROP TABLE IF EXISTS visit_counter");
      const app = await startApp(dbEnv());
      try {
        await waitFor("the schema log line", () => app.logs.entries().some((e) => e.msg === "database schema ready"));
        const found = await client.query("SELECT to_regclass('visit_counter') AS name");
        expect(found.rows[0].name).to.equal("visit_counter");
        const res = await request("GET", `${app.baseUrl}/visits`);
        expect(res.json()).to.deep.equal({ count: 0, signature: signature(0) });
      } finally {
        await app.stop();
      }
    } finally {
      await client.end();
    }
  });

  it("increments on POST /visits, returns the count on GET, and signs it with the secret key", async () => {
    const app = await startApp(dbEnv());
    try {
      const before = (await request("GET", `${app.baseUrl}/visits`)).json().count;
      expect(before).to.be.a("number");
      const first = await request("POST", `${app.baseUrl}/visits`);
      expect(first.status).to.equal(200);
      expect(first.json()).to.deep.equal({ count: before + 1, signature: signature(before + 1) });
      expect((await request("POST", `${app.baseUrl}/visits`)).json().count).to.equal(before + 2);
      expect((await request("GET", `${app.baseUrl}/visits`)).json()).to.deep.equal({
        count: before + 2,
        signature: signature(before + 2),
      });
    } finally {
      await app.stop();
    }
  });

  it("keeps the count across a restart of the app, as across a redeploy", async () => {
    const first = await startApp(dbEnv());
    let count;
    try {
      count = (await request("POST", `${first.baseUrl}/visits`)).json().count;
    } finally {
      await first.stop();
    }
    const second = await startApp(dbEnv());
    try {
      expect((await request("GET", `${second.baseUrl}/visits`)).json().count).to.equal(count);
    } finally {
      await second.stop();
    }
  });

  it("counts concurrent POSTs exactly once each", async () => {
    const app = await startApp(dbEnv());
    try {
      const before = (await request("GET", `${app.baseUrl}/visits`)).json().count;
      const counts = await Promise.all(
        Array.from({ length: 20 }, async () => (await request("POST", `${app.baseUrl}/visits`)).json().count),
      );
      expect([...counts].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => before + i + 1));
    } finally {
      await app.stop();
    }
  });

  it("answers GET /ready with 503 naming the authentication failure when the password file is wrong", async () => {
    const files = tempFiles();
    try {
      const app = await startApp({ ...dbEnv(), DATABASE_PASSWORD_FILE: files.write("wrong", "not-the-password\n") });
      try {
        const res = await request("GET", `${app.baseUrl}/ready`);
        expect(res.status).to.equal(503);
        expect(res.json()).to.deep.equal({
          status: "not ready",
          reason: `database unreachable: password authentication failed for user "${TEST_DB.user}"`,
        });
      } finally {
        await app.stop();
      }
    } finally {
      files.cleanup();
    }
  });

  it("never logs the database password or the secret key while using both", async () => {
    const password = fs.readFileSync(TEST_DB.passwordFile, "utf8").replace(/\r?\n$/, "");
    const app = await startApp({ ...dbEnv(), LOG_LEVEL: "debug" });
    await request("GET", `${app.baseUrl}/ready`);
    await request("POST", `${app.baseUrl}/visits`);
    await app.stop();
    const text = app.logs.lines().join("\n");
    expect(text).to.include('"path":"/visits"');
    expect(text).to.not.include(password);
    expect(text).to.not.include(SECRETS.secretKey);
  });
});
