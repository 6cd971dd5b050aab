/**
 * `ade release <major|minor|patch> "<description>"`: makes a release once.
 * It builds each service the development stack builds from source into
 * `<registry>/<project>/<service>:<version>`, pushes it when the stack names a
 * registry, and records each image's digest in releases.json and CHANGELOG.md;
 * it bumps VERSION and the development stack's version, and inside a git work
 * tree commits exactly those files and tags `v<version>`. Testing and
 * production then run exactly these images (`ade promote`, `ade deploy`).
 * Releases beyond the newest `releases.keep` lose their images, never one a
 * stack runs or could roll back to.
 *
 * Everything is read and checked, and the images built, before the first file
 * is written: a failure anywhere leaves every file as it was.
 */
import { Command } from "commander";
import * as path from "path";
import { readImageMirrors, mirrored } from "../../config/imageMirrors";
import { formatProblems, validateStackConfig } from "../../config/validate";
import { UserError } from "../../core/errors";
import { checkWritable, FileChange, writeFiles } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { printable } from "../../core/text";
import { buildReleaseImages, ImageToBuild, removeLocalImage } from "../../release/build";
import { changelogChange, CHANGELOG_FILE, releaseMessage } from "../../release/changelog";
import { commitAndTag, gitTopLevel, tagExists, uncommitted } from "../../release/git";
import { readLedger } from "../../release/ledger";
import { findRecord, ReleaseRecord, releaseImageRef, RELEASES_FILE, serializeRecords, withRecord } from "../../release/records";
import { deleteManifest } from "../../release/registry";
import { retentionPlan } from "../../release/retention";
import { parseReleaseLevel } from "../../release/semver";
import { VERSION_FILE } from "../../release/versionFile";
import { projectName, readRawStackConfig, stackFilePath } from "../../stacks/stackFile";
import { escaping, print, Write } from "../output";
import { readReleaseRecords } from "../releaseRecords";
import { knownStacks, otherStacks, projectRoot, requireKnownStack } from "../workspace";
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
    /** What builds and pushes the images; the docker CLI by default (tests give another). */
    readonly build?: typeof buildReleaseImages;
}

export interface ReleaseResult {
    readonly version: string;
    readonly tag: string | undefined;
    readonly record: ReleaseRecord;
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
    return withProjectLock(root, `ade release ${level}`, async () => {
        const project = projectName(root);
        const bump = planVersionBump(root, level);
        const next = bump.to;
        const tag = `v${next}`;
        const date = options.date ?? new Date().toISOString().slice(0, 10);
        const dev = developmentConfig(root, project);
        const registry = dev.registry?.address;
        const records = readReleaseRecords(root);
        if (findRecord(records, next) !== undefined) throw new UserError(`${RELEASES_FILE} already records release ${next}: bump past it (edit ${VERSION_FILE}) or remove that record`);
        const toBuild = imagesToBuild(root, project, next, dev);
        if (toBuild.length === 0) throw new UserError(`${RELEASE_STACK} builds no service from source (no services.<name>.build), so there is nothing to release`);
        const inUse = versionsInUse(root, project);

        const files = [path.join(root, VERSION_FILE), path.join(root, CHANGELOG_FILE), stackFilePath(root, RELEASE_STACK), path.join(root, RELEASES_FILE)];
        const top = options.git === false ? undefined : gitTopLevel(root);
        if (top !== undefined) {
            const dirty = uncommitted(top, files);
            if (dirty.length > 0) {
                throw new UserError(`release ${next} would commit uncommitted changes to ${dirty.map((f) => printable(f)).join(", ")}: commit or discard them first (git status), then run the release again`);
            }
            if (tagExists(top, tag)) throw new UserError(`git tag ${tag} already exists: release ${next} was made before; bump past it (edit ${VERSION_FILE}) or delete the tag`);
        }

        checkWritable(files);
        write(`release ${next}: building ${toBuild.map((i) => i.service).join(", ")} once${registry === undefined ? " (no registry: the images stay on this Docker host)" : `, pushing to ${registry}`}\n`);
        const images = await (options.build ?? buildReleaseImages)(toBuild, { push: registry !== undefined, progress: (line) => write(`  ${line}\n`) });
        const record: ReleaseRecord = { version: next, date, description, ...(registry === undefined ? {} : { registry }), images };
        const retention = retentionPlan(withRecord(records, record), dev.releases.keep, inUse);
        const pruned = new Set(retention.prune.map((r) => r.version));
        const updated = withRecord(records, record).map((r) => (pruned.has(r.version) ? { ...r, pruned: true } : r));
        const changes: FileChange[] = [
            ...bump.changes,
            changelogChange(root, next, date, `${description}\n\n${images.map((i) => `- ${i.service}: \`${i.ref}\` (${i.digest})`).join("\n")}`),
            { file: path.join(root, RELEASES_FILE), text: serializeRecords(updated) },
        ];

        const written = writeFiles(changes);
        if (top !== undefined) {
            try {
                commitAndTag(top, files, releaseMessage(next, description), tag);
            } catch (error) {
                written.rollback();
                throw error instanceof UserError ? new UserError(`${error.message}; release ${next} was not made: every file is as it was`) : error;
            }
        }
        describeBump(root, bump, write);
        write(`${CHANGELOG_FILE}, ${RELEASES_FILE}: release ${next} with ${images.length === 1 ? "its image" : "its images"} by digest\n`);
        if (top !== undefined) write(`git: committed ${files.map((f) => path.relative(top, f)).join(", ")} and tagged ${tag}\n`);
        await prune(retention.prune, write);
        for (const kept of retention.protected) write(`kept release ${kept.version} although older than the newest ${dev.releases.keep}: ${kept.why}\n`);
        write(`release ${next} is ready: run it on ${RELEASE_STACK} with: ade deploy ${RELEASE_STACK}; then promote it: ade promote ${RELEASE_STACK} testing\n`);
        return { version: next, tag: top === undefined ? undefined : tag, record };
    });
}

function developmentConfig(root: string, project: string) {
    const raw = readRawStackConfig(root, RELEASE_STACK, project);
    const validation = validateStackConfig(RELEASE_STACK, raw, { otherStacks: otherStacks(root, project, RELEASE_STACK) });
    if (!validation.ok) throw new UserError(`${RELEASE_STACK}'s config is not valid, so nothing was released.\n${formatProblems(RELEASE_STACK, validation.problems)}`);
    return validation.config;
}

/** Every service the development stack builds, as the release builds it: the same base image and arguments. */
function imagesToBuild(root: string, project: string, version: string, dev: ReturnType<typeof developmentConfig>): ImageToBuild[] {
    const mirrors = readImageMirrors();
    if (!mirrors.ok) throw new UserError(mirrors.problem);
    return Object.entries(dev.services).flatMap(([service, s]) =>
        s.build === undefined
            ? []
            : [
                  {
                      service,
                      ref: releaseImageRef(dev.registry?.address, project, service, version),
                      context: path.resolve(root, s.build.context),
                      dockerfile: s.build.dockerfile === undefined ? undefined : path.resolve(root, s.build.context, s.build.dockerfile),
                      args: { ...s.build.args, BASE_IMAGE: mirrored(dev.images.appBase, mirrors.mirrors), APP_VERSION: version },
                  },
              ],
    );
}

/** Versions retention must keep: every stack's current version, and every version a stack verified (it could roll back to it). */
function versionsInUse(root: string, project: string): Map<string, string> {
    const inUse = new Map<string, string>();
    for (const stack of knownStacks(root)) {
        const version = readRawStackConfig(root, stack, project).values["version"];
        if (typeof version === "string") inUse.set(version, `${stack} runs it`);
        for (const verified of readLedger(root, stack).verified) if (!inUse.has(verified.version)) inUse.set(verified.version, `${stack} could roll back to it`);
    }
    return inUse;
}

/** Removes pruned releases' images, locally and from their registry; a refusal is reported, never fatal (the release is made). */
async function prune(records: readonly ReleaseRecord[], write: Write): Promise<void> {
    for (const record of records) {
        for (const image of record.images) {
            await removeLocalImage(image.ref);
            if (record.registry !== undefined) {
                const repository = image.ref.slice(image.ref.indexOf("/") + 1, image.ref.lastIndexOf(":"));
                const deleted = await deleteManifest(record.registry, repository, image.digest);
                if (!deleted.ok) write(`note: release ${record.version}'s ${image.service} image stays in the registry: ${printable(deleted.why)}\n`);
            }
        }
        write(`pruned release ${record.version}: its images are removed (its record stays in ${RELEASES_FILE})\n`);
    }
}

export function register(program: Command): void {
    program
        .command("release")
        .argument("<level>", "major, minor or patch")
        .argument("<description>", "what changed, for CHANGELOG.md and the update message")
        .option("--no-git", "do not commit or tag, even inside a git work tree")
        .description("build the services once, push them to the registry, record their digests, bump the version, commit and tag v<version>")
        .action(async (level: string, description: string, opts: { git: boolean }) => {
            await release({ level, description, git: opts.git });
        });
}
