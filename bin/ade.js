#!/usr/bin/env node
// The `ade` command line: the compiled CLI in dist/, built first when a source changed.
"use strict";
// Node's cache of compiled code (Node >= 22.1; a no-op where absent or NODE_DISABLE_COMPILE_CACHE
// is set): later runs skip compiling the program and the modules it loads, about 0.3 s of each.
require("module").enableCompileCache?.();
require("./build").ensureBuilt();
require("../dist/cli/main")
    .main(process.argv)
    .then((code) => {
        process.exitCode = code;
    });
