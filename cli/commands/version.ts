/**
 * `ade version bump <major|minor|patch>`: the next platform version in VERSION
 * and in the development stack's `<project>:version`. No changelog, no tag:
 * that is `ade release`.
 */
import { Command } from "commander";
import { parseReleaseLevel, bumpVersion as nextVersion, ReleaseLevel } from "../../release/semver";
import { readVersion, stackVersionChange, versionChange } from "../../release/versionFile";
import { projectName } from "../../stacks/stackFile";
import { UserError } from "../../core/errors";
import { FileChange, writeFiles } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { escaping, print, Write } from "../output";
import { projectRoot, requireKnownStack } from "../workspace";

/** The stack a new version is deployed to first; the others get it by promotion. */
export const RELEASE_STACK = "development";

export interface VersionBumpOptions {
    /** `major`, `minor` or `patch`, as typed. */
    readonly level: string;
    readonly root?: string;
    readonly write?: (text: string) => void;
}

export interface VersionBump {
    readonly from: string;
    readonly to: string;
}

/** A version bump read and computed, not yet written: VERSION and the release stack's file. */
export interface VersionBumpPlan extends VersionBump {
    readonly changes: FileChange[];
}

/** Reads everything a bump touches and computes the new files; writes nothing, so any bad file stops it with every file as it was. */
export function planVersionBump(root: string, level: ReleaseLevel): VersionBumpPlan {
    requireKnownStack(root, RELEASE_STACK);
    const project = projectName(root);
    const from = readVersion(root);
    const to = nextVersion(from, level);
    return { from, to, changes: [versionChange(root, to), stackVersionChange(root, RELEASE_STACK, project, to)] };
}

/** What a bump prints once it is written. */
export function describeBump(root: string, bump: VersionBump, write: Write): void {
    write(`version ${bump.from} -> ${bump.to} (VERSION, ${RELEASE_STACK} stack ${projectName(root)}:version)\n`);
}

export async function versionBump(options: VersionBumpOptions): Promise<VersionBump> {
    const level = parseReleaseLevel(options.level);
    if (level === undefined) {
        throw new UserError(`unknown release level ${JSON.stringify(options.level)}: use major, minor or patch (e.g. ade version bump minor)`);
    }
    const root = options.root ?? projectRoot();
    const write = options.write === undefined ? print : escaping(options.write);
    return withProjectLock(root, `ade version bump ${level}`, () => {
        const plan = planVersionBump(root, level);
        writeFiles(plan.changes);
        describeBump(root, plan, write);
        return Promise.resolve({ from: plan.from, to: plan.to });
    });
}

export function register(program: Command): void {
    program
        .command("version")
        .description("show or change the platform version (VERSION file)")
        .command("bump")
        .argument("<level>", "major, minor or patch")
        .description("bump VERSION and the development stack's version (no changelog or tag: see ade release)")
        .action(async (level: string) => {
            await versionBump({ level });
        });
}
