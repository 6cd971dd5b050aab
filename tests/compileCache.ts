/**
 * Required by mocha before any test file (.mocharc.json): V8 keeps the code it
 * compiles for each module in Node's compile cache (NODE_COMPILE_CACHE, or
 * node-compile-cache in the system's temporary folder), so a run compiles only
 * modules that changed since the last one. The Pulumi SDK alone loads
 * TypeScript's compiler and npm's arborist; compiling them was about 0.4 s of
 * every run. Node 22.1 and later have it; on an older Node the suite runs
 * without it.
 */
import * as module from "module";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
