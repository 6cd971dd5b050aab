#!/usr/bin/env node
// Prints a copy of a stack file whose `ade:images` point at the locally built
// images (toolchain/build-images.sh); secure values and the salt stay as they are.
"use strict";
const fs = require("fs");
const { parseDocument } = require("yaml");

const LOCAL_IMAGES = {
    appBase: "ade-local/node:18-1",
    postgres: "ade-local/postgres:15-1",
    prometheus: "ade-local/prometheus:2-1",
    grafana: "ade-local/grafana-standin:2",
    dbAdmin: "ade-local/adminer:4-1",
};

const file = process.argv[2];
if (!file) {
    process.stderr.write("usage: local-images-config.js <Pulumi.stack.yaml>\n");
    process.exit(1);
}
const doc = parseDocument(fs.readFileSync(file, "utf8"));
if (doc.errors.length > 0) {
    process.stderr.write(`${file}: ${doc.errors[0].message}\n`);
    process.exit(1);
}
doc.setIn(["config", "ade:images"], LOCAL_IMAGES);
process.stdout.write(doc.toString());
