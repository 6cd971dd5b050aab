/** Git, for `ade release`: the commit and tag of a release. */
import { execFileSync } from "child_process";
import * as path from "path";
import { UserError } from "../core/errors";

/** The top of the work tree `root` is in; undefined outside one. */
export function gitTopLevel(root: string): string | undefined {
    try {
        return git(root, ["rev-parse", "--show-toplevel"]).trim();
    } catch {
        return undefined;
    }
}

export function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new UserError(`git ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
    }
}

/** Which of `files` (absolute) have uncommitted changes, staged or not, relative to the repository top. */
export function uncommitted(top: string, files: readonly string[]): string[] {
    const out = git(top, ["status", "--porcelain", "--", ...files.map((f) => path.relative(top, f))]);
    return out
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => l.slice(3));
}

export function tagExists(top: string, tag: string): boolean {
    return git(top, ["tag", "--list", tag]).trim() === tag;
}

/** Commits exactly `files` (nobody else's staged work) and tags that commit. */
export function commitAndTag(top: string, files: readonly string[], message: string, tag: string): void {
    const relative = files.map((f) => path.relative(top, f));
    git(top, ["add", "--", ...relative]);
    git(top, ["commit", "--quiet", "--only", "-m", message, "--", ...relative]);
    git(top, ["tag", "-a", tag, "-m", message]);
}
