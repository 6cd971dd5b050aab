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
