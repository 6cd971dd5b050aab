import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { SOURCE_ROOT } from "../core/paths";

/** The README's map of the project: the first fenced block, one `folder/` per line. */
function mappedFolders(): string[] {
    const readme = fs.readFileSync(path.join(SOURCE_ROOT, "README.md"), "utf8");
    const block = /```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    return [...block.matchAll(/^([a-z][\w-]*)\/ /gm)].map((m) => m[1] ?? "");
}

function trackedFolders(): string[] {
    const files = execFileSync("git", ["ls-files"], { cwd: SOURCE_ROOT, encoding: "utf8" }).split("\n");
    return [...new Set(files.filter((f) => f.includes("/") && !f.startsWith(".")).map((f) => f.split("/")[0] ?? ""))].sort();
}

describe("the README's map of the project", () => {
    it("names every top-level folder the repository holds, and only those", () => {
        expect(mappedFolders().sort()).to.deep.equal(trackedFolders());
    });
});

/** Layers, bottom up: a module may import from its own layer and those below, never from above. */
const LAYERS: Record<string, number> = {
    core: 0,
    config: 1,
    stacks: 2,
    promotion: 3,
    release: 3,
    monitoring: 3,
    proxy: 3,
    operations: 3,
    components: 4,
    cli: 4,
};

/** Every relative import of the program's modules (tests aside), as [importing folder, imported folder, file]. */
function programImports(): [string, string, string][] {
    const found: [string, string, string][] = [];
    for (const folder of Object.keys(LAYERS)) {
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const file = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(file);
                else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
                    for (const m of fs.readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
                        const target = path.relative(SOURCE_ROOT, path.resolve(path.dirname(file), m[1] ?? "")).split(path.sep)[0] ?? "";
                        found.push([folder, target, path.relative(SOURCE_ROOT, file)]);
                    }
                }
            }
        };
        walk(path.join(SOURCE_ROOT, folder));
    }
    return found;
}

describe("the layers of the program", () => {
    it("has no module importing from a layer above its own", () => {
        const imports = programImports();
        expect(imports.length).to.be.greaterThan(100);
        const upward = imports.filter(([from, to]) => (LAYERS[to] ?? Infinity) > (LAYERS[from] ?? -1)).map(([from, to, file]) => `${file} (${from}) imports ${to}`);
        expect(upward).to.deep.equal([]);
    });
});
