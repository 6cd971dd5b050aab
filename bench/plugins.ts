/**
 * What runs in place of the resource plugins, described from the toolchain's
 * own records (toolchain/ensure-pulumi.sh): the STANDIN file lists each
 * stand-in it installed and where, the UNAVAILABLE file why the real plugin
 * was not built. Each installed binary is asked what it is built with.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";

/** One sentence for RESULTS.md, or undefined when the toolchain recorded no stand-in. */
export function standinDescription(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const standinFile = env["ADE_TOOLCHAIN_STANDIN"];
    if (standinFile === undefined || standinFile === "" || !fs.existsSync(standinFile)) return undefined;
    const standins = fs
        .readFileSync(standinFile, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((line) => {
            const [plugin, version, binary] = line.split(" ");
            const file = (binary ?? "").replace(/:$/, "");
            const source = /STAND-IN \(([^)]+)\)/.exec(line)?.[1] ?? "source not recorded";
            return `${plugin ?? "?"} ${version ?? "?"}: a stand-in from ${source}, ${builtWith(file)}`;
        });
    const unavailableFile = env["ADE_TOOLCHAIN_UNAVAILABLE"];
    const reasons =
        unavailableFile !== undefined && unavailableFile !== "" && fs.existsSync(unavailableFile)
            ? fs
                  .readFileSync(unavailableFile, "utf8")
                  .split("\n")
                  .filter((l) => l.trim() !== "")
            : [];
    return [
        `resource plugins: every Pulumi and \`ade\` figure runs the real engine with the toolchain's STAND-IN plugins (as recorded in ${standinFile}): ${standins.join("; ")}.`,
        reasons.length === 0 ? "" : ` Why the real ones are missing (${unavailableFile ?? ""}): ${reasons.join(" ")}`,
        " Figures with the real plugins will differ.",
    ].join("");
}

/** `a Go binary (go1.26.0)` from `go version <file>`, or what could be found out instead. */
function builtWith(file: string): string {
    if (!fs.existsSync(file)) return `installed at ${file}, which is missing`;
    try {
        const out = execFileSync("go", ["version", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        const go = /: (go\S+)$/.exec(out)?.[1];
        if (go !== undefined) return `a Go binary (built with ${go})`;
    } catch {
        // not a Go binary, or no Go toolchain on PATH: say only what is known
    }
    return `binary ${file}`;
}
