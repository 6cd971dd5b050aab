#!/usr/bin/env node
// Compiles the project's TypeScript to JavaScript in dist/ (one file per module,
// same tree) with esbuild, when a source changed since the last build. Every
// entry point runs the build: `pulumi up`/`preview` (bin/program.js), `ade`
// (bin/ade.js), the tests and the benchmark. A build takes well under a second;
// an up-to-date check reads and hashes the sources (milliseconds). Type checking
// is not part of it: that is `npm run typecheck` (and `npm run check`, and CI).
//
//   node bin/build.js        build if anything changed
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** Top-level sources: the program, its domains, the CLI, the tests, the benchmark and the toolchain's tests (app/ is its own project). */
const SOURCES = ["index.ts", "core", "config", "stacks", "monitoring", "proxy", "release", "promotion", "operations", "components", "cli", "tests", "bench", "toolchain"];
const STAMP = path.join(DIST, ".sources-sha256");
const LOCK = path.join(DIST, ".building");
const LOCK_STALE_MS = 60_000;

function sourceFiles(root) {
    const files = [];
    const walk = (entry) => {
        const full = path.join(root, entry);
        const stat = fs.statSync(full, { throwIfNoEntry: false });
        if (stat === undefined) return;
        if (stat.isDirectory()) {
            for (const child of fs.readdirSync(full).sort()) if (child !== "node_modules") walk(path.join(entry, child));
        } else if ((entry.endsWith(".ts") && !entry.endsWith(".d.ts")) || entry.endsWith(".js")) {
            files.push(entry);
        }
    };
    for (const entry of SOURCES) walk(entry);
    return files;
}

/** A hash of every source's path and content, of esbuild's version and of this script. */
function sourcesHash(root, files) {
    const hash = crypto.createHash("sha256");
    const esbuild = JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    hash.update(`${esbuild}\0${fs.readFileSync(__filename)}\0`);
    for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file))).update("\0");
    return hash.digest("hex");
}

function sleep(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Holds dist/.building while `fn` runs, so two processes never write dist/ at once. */
function withLock(fn) {
    fs.mkdirSync(DIST, { recursive: true });
    for (;;) {
        try {
            fs.mkdirSync(LOCK);
            break;
        } catch (error) {
            if (error.code !== "EEXIST") throw error;
            const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
            if (age > LOCK_STALE_MS) fs.rmSync(LOCK, { recursive: true, force: true });
            else sleep(50);
        }
    }
    try {
        return fn();
    } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
    }
}

/** Builds dist/ unless it already holds the build of these sources; returns whether it built. */
function ensureBuilt() {
    const files = sourceFiles(ROOT);
    const hash = sourcesHash(ROOT, files);
    const current = () => fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === hash;
    if (current()) return false;
    return withLock(() => {
        if (current()) return false; // another process built it while this one waited
        for (const entry of fs.readdirSync(DIST)) if (entry !== ".building") fs.rmSync(path.join(DIST, entry), { recursive: true, force: true });
        // Plain JavaScript modules (monitoring/healthProbe.js) are copied as they are.
        for (const file of files.filter((f) => f.endsWith(".js"))) {
            fs.mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, file), path.join(DIST, file));
        }
        require("esbuild").buildSync({
            absWorkingDir: ROOT,
            entryPoints: files.filter((f) => f.endsWith(".ts")),
            outdir: DIST,
            outbase: ROOT,
            format: "cjs",
            platform: "node",
            target: "node20",
            // Written for debugging (node --enable-source-maps); nothing loads them otherwise, so stack traces cost nothing extra.
            sourcemap: "linked",
            logLevel: "warning",
        });
        fs.writeFileSync(STAMP, hash);
        return true;
    });
}

module.exports = { ensureBuilt, DIST };

if (require.main === module) {
    const started = Date.now();
    const built = ensureBuilt();
    process.stderr.write(built ? `[build] dist/ built in ${Date.now() - started} ms\n` : "[build] dist/ is up to date\n");
}
