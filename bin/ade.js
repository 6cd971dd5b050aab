#!/usr/bin/env node
// Runs the TypeScript CLI directly: the project ships no build step.
"use strict";
require("ts-node").register({ transpileOnly: true, project: require("path").join(__dirname, "..", "tsconfig.json") });
require("../cli/main")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
