/**
 * The real checkers of Prometheus's and Alertmanager's files, as the unit tests
 * run them: promtool from Debian's prometheus package and amtool from its
 * prometheus-alertmanager package. CI installs both (scripts/test.sh), so their
 * absence fails a test instead of skipping it.
 */
import { execFileSync, spawnSync } from "child_process";

function tool(binary: string, pkg: string, args: string[], cwd: string): string {
    try {
        return execFileSync(binary, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        if (e.code === "ENOENT") throw new Error(`${binary} is not installed: apt-get install ${pkg} (scripts/test.sh does this)`);
        throw new Error(`${binary} ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
}

export function promtool(args: string[], cwd: string): string {
    return tool("promtool", "prometheus", args, cwd);
}

export function amtool(args: string[], cwd: string): string {
    return tool("amtool", "prometheus-alertmanager", args, cwd);
}

/**
 * `promtool test rules` over many files in one process (each start costs far
 * more than a file's tests): every file's verdict, SUCCESS or FAILED, by name,
 * and promtool's whole output for a failure message.
 */
export function promtoolTestRules(files: readonly string[], cwd: string): { verdicts: Map<string, "SUCCESS" | "FAILED">; output: string } {
    const run = spawnSync("promtool", ["test", "rules", ...files], { cwd, encoding: "utf8" });
    const error: NodeJS.ErrnoException | undefined = run.error;
    if (error?.code === "ENOENT") throw new Error("promtool is not installed: apt-get install prometheus (scripts/test.sh does this)");
    if (error !== undefined) throw error;
    // stdout holds one "Unit Testing:  <file>" section per file, SUCCESS in it when the file passed; the failures' details go to stderr.
    const verdicts = new Map<string, "SUCCESS" | "FAILED">();
    for (const section of run.stdout.split(/^Unit Testing:\s+/m).slice(1)) {
        const [file = "", ...rest] = section.split("\n");
        verdicts.set(file.trim(), rest.some((line) => line.trim() === "SUCCESS") ? "SUCCESS" : "FAILED");
    }
    return { verdicts, output: `${run.stdout}${run.stderr}` };
}

/**
 * `promtool check rules` over many files in one process: each file's part of the
 * output by name (`SUCCESS: N rules found` when it parsed), and the whole output
 * for a failure message.
 */
export function promtoolCheckRules(files: readonly string[], cwd: string): { results: Map<string, string>; output: string } {
    const run = spawnSync("promtool", ["check", "rules", ...files], { cwd, encoding: "utf8" });
    const error: NodeJS.ErrnoException | undefined = run.error;
    if (error?.code === "ENOENT") throw new Error("promtool is not installed: apt-get install prometheus (scripts/test.sh does this)");
    if (error !== undefined) throw error;
    // stdout holds one "Checking <file>" section per file; the failures' details go to stderr.
    const results = new Map<string, string>();
    for (const section of run.stdout.split(/^Checking\s+/m).slice(1)) {
        const [file = "", ...rest] = section.split("\n");
        results.set(file.trim(), rest.join("\n"));
    }
    return { results, output: `${run.stdout}${run.stderr}` };
}
