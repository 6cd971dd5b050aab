/**
 * `ade version bump <major|minor|patch>`: the next platform version in VERSION
 * and in the development stack's `<project>:version`. No changelog, no tag:
 * that is `ade release`.
 */
import { Command } from "commander";
import { parseReleaseLevel, bumpVersion as nextVersion } from "../../release/semver";
import { readVersion, setStackVersion, writeVersion } from "../../release/versionFile";
import { projectName } from "../../stacks/stackFile";
import { UserError } from "../../core/errors";
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
    /** Services a rollback had pinned to an earlier release's image, built from source again. */
    readonly unpinned: string[];
}

export async function versionBump(options: VersionBumpOptions): Promise<VersionBump> {
    const level = parseReleaseLevel(options.level);
    if (level === undefined) {
        throw new UserError(`unknown release level ${JSON.stringify(options.level)}: use major, minor or patch (e.g. ade version bump minor)`);
    }
    const root = options.root ?? projectRoot();
    requireKnownStack(root, RELEASE_STACK);
    const project = projectName(root);
    const from = readVersion(root);
    const to = nextVersion(from, level);
    writeVersion(root, to);
    const unpinned = setStackVersion(root, RELEASE_STACK, project, to);
    const write = options.write ?? ((t: string) => process.stdout.write(t));
    write(`version ${from} -> ${to} (VERSION, ${RELEASE_STACK} stack ${project}:version)\n`);
    if (unpinned.length > 0) write(`${unpinned.join(", ")}: built from source again (a rollback had pinned an earlier release's image)\n`);
    return Promise.resolve({ from, to, unpinned });
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
