// The Pulumi program's entry (Pulumi.yaml `main`): the compiled program in
// dist/, built first when a source changed. Pulumi runs plain JavaScript, so
// no `pulumi preview` or `up` pays for compiling or type-checking TypeScript.
"use strict";
require("./build").ensureBuilt();
module.exports = require("../dist/index.js");
