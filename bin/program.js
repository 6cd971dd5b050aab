// The Pulumi program's entry (Pulumi.yaml `main`): the compiled program in
// dist/, built first when a source changed. Pulumi runs plain JavaScript, so
// no `pulumi preview` or `up` pays for compiling or type-checking TypeScript.
"use strict";
// Node's cache of compiled code (Node >= 22.1; a no-op where absent or NODE_DISABLE_COMPILE_CACHE
// is set): later runs skip compiling the program and the modules it loads, about 0.3 s of each.
require("module").enableCompileCache?.();
require("./build").ensureBuilt();
module.exports = require("../dist/index.js");
