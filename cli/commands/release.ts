/**
 * `ade release <major|minor|patch> "<description>"`: bumps the version (VERSION
 * and the development stack's `<project>:version`), adds a CHANGELOG.md entry
 * and, inside a git work tree, commits exactly those files and tags `v<version>`.
 *
 * Other people's uncommitted work elsewhere in the tree is left alone (the
 * commit takes only the release's files); release refuses when one of its own
 * files already has uncommitted changes, because the commit would take them too.
 */
import { Command } from "commander";
import * as path from "path";
import { changelogChange, CHANGELOG_FILE, releaseMessage } from "../../release/changelog";
import { VERSION_FILE } from "../../release/versionFile";
import { stackFilePath } from "../../stacks/stackFile";
import { commitAndTag, gitTopLevel, tagExists, uncommitted } from "../../release/git";
import { parseReleaseLevel } from "../../release/semver";
import { UserError } from "../../core/errors";
import { writeFiles } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { printable } from "../../core/text";
import { escaping, print } from "../output";
import { projectRoot, requireKnownStack } from "../workspace";
import { describeBump, planVersionBump, RELEASE_STACK } from "./version";

export interface ReleaseOptions {
    readonly level: string;
    readonly description: string;
    readonly root?: string;
    /** `YYYY-MM-DD` of the changelog entry; today (UTC) by default. */
    readonly date?: string;
    /** Commit and tag when inside a git work tree; true by default. */
    readonly git?: boolean;
    readonly write?: (text: string) => void;
}

export interface ReleaseResult {
    readonly version: string;
    readonly tag: string | undefined;
}

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
    const level = parseReleaseLevel(options.level);
    if (level === undefined) {
        throw new UserError(`unknown release level ${JSON.stringify(options.level)}: use major, minor or patch (e.g. ade release minor "Add the visits counter")`);
    }
    const description = options.description.replace(/\s+/g, " ").trim();
    if (description === "") throw new UserError(`a release needs a description of what changed (e.g. ade release ${level} "Fix the health check")`);
    const root = options.root ?? projectRoot();
    requireKnownStack(root, RELEASE_STACK);
    const write = options.write === undefined ? print : escaping(options.write);
    return withProjectLock(root, `ade release ${level}`, () => {
        // Everything is read and computed before the first write: a bad file anywhere leaves every file as it was.
        const bump = planVersionBump(root, level);
        const next = bump.to;
        const tag = `v${next}`;
        const files = [path.join(root, VERSION_FILE), path.join(root, CHANGELOG_FILE), stackFilePath(root, RELEASE_STACK)];
        const top = options.git === false ? undefined : gitTopLevel(root);
        if (top !== undefined) {
            const dirty = uncommitted(top, files);
            if (dirty.length > 0) {
                throw new UserError(`release ${next} would commit uncommitted changes to ${dirty.map((f) => printable(f)).join(", ")}: commit or discard them first (git status), then run the release again`);
            }
            if (tagExists(top, tag)) throw new UserError(`git tag ${tag} already exists: release ${next} was made before; bump past it (edit ${VERSION_FILE}) or delete the tag`);
        }
        const changelog = changelogChange(root, next, options.date ?? new Date().toISOString().slice(0, 10), description);

        const written = writeFiles([...bump.changes, changelog]);
        if (top !== undefined) {
            try {
                commitAndTag(top, files, releaseMessage(next, description), tag);
            } catch (error) {
                written.rollback();
                throw error instanceof UserError ? new UserError(`${error.message}; release ${next} was not made: every file is as it was`) : error;
            }
        }
        describeBump(root, bump, write);
        write(`${CHANGELOG_FILE}: added ## ${next}\n`);
        if (top !== undefined) write(`git: committed ${files.map((f) => path.relative(top, f)).join(", ")} and tagged ${tag}\n`);
        write(`release ${next} is ready: deploy it with: ade deploy ${RELEASE_STACK}\n`);
        return Promise.resolve({ version: next, tag: top === undefined ? undefined : tag });
    });
}

export function register(program: Command): void {
    program
        .command("release")
        .argument("<level>", "major, minor or patch")
        .argument("<description>", "what changed, for CHANGELOG.md and the update message")
        .option("--no-git", "do not commit or tag, even inside a git work tree")
        .description("bump the version, add a CHANGELOG.md entry, set the development stack's version, commit and tag v<version>")
        .action(async (level: string, description: string, opts: { git: boolean }) => {
            await release({ level, description, git: opts.git });
        });
}
