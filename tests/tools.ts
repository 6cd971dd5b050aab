/**
 * The real checkers of Prometheus's and Alertmanager's files, as the unit tests
 * run them: promtool from Debian's prometheus package and amtool from its
 * prometheus-alertmanager package. CI installs both (scripts/test.sh), so their
 * absence fails a test instead of skipping it.
 */
import { execFileSync } from "child_process";

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
