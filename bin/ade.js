#!/usr/bin/env node
// The `ade` command line: the compiled CLI in dist/, built first when a source changed.
"use strict";
require("./build").ensureBuilt();
require("../dist/cli/main")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
