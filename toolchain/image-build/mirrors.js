#!/usr/bin/env node
// The machine's image mirror map: for each public image reference, the local
// image that runs in its place (toolchain/README.md, "The image mirror map").
//
//   mirrors.js write FILE PUBLIC=LOCAL...   merge these entries into FILE, atomically
//   mirrors.js print FILE                   print FILE
//
// `write` lists only local images the engine has (`docker image inspect`): an
// entry already in FILE is kept while its local image exists, and an entry given
// here replaces the one for the same public reference. Plain Node, no packages:
// it runs before `npm ci` on a fresh machine. Its tests call `run` in-process,
// with the engine's images and the output streams as arguments.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const VERSION = 1;
const WRITTEN_BY = "toolchain/build-images.sh";

class MirrorError extends Error {}

/** The entries of the map in `file`, or {} when there is no file yet. */
function readMirrors(file) {
    let text;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        if (error.code === "ENOENT") return {};
        throw new MirrorError(`${file}: cannot be read (${error.code ?? error.message})`);
    }
    const fix = "fix it or remove it, then run toolchain/build-images.sh again";
    let doc;
    try {
        doc = JSON.parse(text);
    } catch (error) {
        throw new MirrorError(`${file}: not valid JSON (${error.message}); ${fix}`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        throw new MirrorError(`${file}: must be a JSON object {"version": ${VERSION}, "mirrors": {...}}; ${fix}`);
    }
    if (doc.version !== VERSION) {
        throw new MirrorError(`${file}: version must be ${VERSION} (got ${JSON.stringify(doc.version)}); ${fix}`);
    }
    const mirrors = doc.mirrors;
    if (mirrors === null || typeof mirrors !== "object" || Array.isArray(mirrors)) {
        throw new MirrorError(`${file}: "mirrors" must be an object of "<public ref>": "<local ref>"; ${fix}`);
    }
    for (const [publicRef, localRef] of Object.entries(mirrors)) {
        if (typeof localRef !== "string" || localRef === "") {
            throw new MirrorError(`${file}: mirrors["${publicRef}"] must be a local image reference (got ${JSON.stringify(localRef)}); ${fix}`);
        }
    }
    return mirrors;
}

/** "PUBLIC=LOCAL" arguments as [public, local] pairs. */
function parseEntries(args) {
    return args.map((arg) => {
        const match = /^([^=\s]+)=([^=\s]+)$/.exec(arg);
        if (match === null) throw new MirrorError(`mirror entry "${arg}" is not PUBLIC=LOCAL (e.g. postgres:15.8-bookworm=ade-local/postgres:15-1)`);
        return [match[1], match[2]];
    });
}

function imageExists(ref) {
    const result = spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", ref], { stdio: "ignore" });
    if (result.error !== undefined) throw new MirrorError(`cannot run docker (${result.error.code}): run toolchain/ensure-docker.sh first`);
    return result.status === 0;
}

/** The merged map, keys sorted; says on stderr what it dropped. */
function merge(current, entries, io) {
    const exists = new Map();
    const present = (ref) => {
        if (!exists.has(ref)) exists.set(ref, io.imageExists(ref));
        return exists.get(ref);
    };
    const merged = {};
    for (const [publicRef, localRef] of Object.entries(current)) {
        if (present(localRef)) merged[publicRef] = localRef;
        else io.stderr.write(`[build-images] mirror map: dropping ${publicRef} -> ${localRef} (no such image in the engine)\n`);
    }
    for (const [publicRef, localRef] of entries) {
        if (present(localRef)) merged[publicRef] = localRef;
    }
    return Object.fromEntries(Object.keys(merged).sort().map((key) => [key, merged[key]]));
}

/** Puts `text` in `file`, written beside it and renamed over it: a reader sees the old map or the new one, never half of one. */
function replaceFile(file, text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
        fs.writeFileSync(temporary, text, { mode: 0o644 });
        fs.renameSync(temporary, file);
    } catch (error) {
        fs.rmSync(temporary, { force: true });
        throw new MirrorError(`${file}: cannot be written (${error.code ?? error.message})`);
    }
}

function write(file, entries, io) {
    const mirrors = merge(readMirrors(file), entries, io);
    const text = `${JSON.stringify({ version: VERSION, writtenBy: WRITTEN_BY, mirrors }, null, 2)}\n`;
    const unchanged = fs.existsSync(file) && fs.readFileSync(file, "utf8") === text;
    if (!unchanged) replaceFile(file, text);
    io.stderr.write(`[build-images] mirror map: ${Object.keys(mirrors).length} image(s) in ${file}\n`);
}

function print(file, io) {
    if (!fs.existsSync(file)) throw new MirrorError(`${file}: no mirror map yet; run toolchain/build-images.sh to write it`);
    readMirrors(file);
    io.stdout.write(fs.readFileSync(file, "utf8"));
}

function main(argv, io) {
    const [command, file, ...rest] = argv;
    if (file === undefined || file === "" || !["write", "print"].includes(command)) {
        throw new MirrorError("usage: mirrors.js write FILE PUBLIC=LOCAL... | mirrors.js print FILE");
    }
    if (command === "write") write(file, parseEntries(rest), io);
    else print(file, io);
}

/** The command line's work: its exit status, errors said on `io.stderr`. */
function run(argv, io = { imageExists, stdout: process.stdout, stderr: process.stderr }) {
    try {
        main(argv, io);
        return 0;
    } catch (error) {
        if (!(error instanceof MirrorError)) throw error;
        io.stderr.write(`[build-images] ERROR: ${error.message}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exitCode = run(process.argv.slice(2));
} else {
    module.exports = { run };
}
