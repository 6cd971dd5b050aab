/**
 * `ade rollback <stack> [--to <version> | --steps <n>]`: runs an earlier
 * release again: a version that verified healthy on the stack (its history, all
 * pages). Only the stack's `version` changes: the release's images were built
 * once and are still in the registry (or on this Docker host), so nothing is
 * rebuilt and no other config is rewritten. A stack that builds its services
 * from source (development) has no release images to go back to.
 *
 * `ade deploy` uses the same machinery to put back what ran before a failed
 * update (`restore`): that update's whole non-secret config, secrets staying
 * the stack's current ones.
 */
import { Command } from "commander";
import { parseConfigValue, formatProblems, validateStackConfig } from "../../config/validate";
import { findRollbackTarget, nonSecretConfig, Release, RollbackRequest } from "../../release/history";
import { Progress, progressMode } from "../progress";
import { readRawStackConfig, readStackFile, stackFileEdit, stackFilePath } from "../../stacks/stackFile";
import { readReleases, upAndVerify } from "../deployment";
import type { ConfigEdit } from "../../stacks/edits";
import { parseVersion } from "../../release/semver";
import { backupChange, projectName } from "../../stacks/stackFile";
import { UserError } from "../../core/errors";
import { writeFiles } from "../../core/files";
import { withProjectLock } from "../../core/lock";
import { printable } from "../../core/text";
import { escaping, print } from "../output";
import { openStack, otherStacks, projectRoot, requireKnownStack } from "../workspace";

export interface RollbackOptions {
    readonly stack: string;
    /** A release version; exclusive with `steps`. */
    readonly to?: string;
    /** How many verified releases back from the running one; 1 when neither is given. */
    readonly steps?: number;
    /**
     * Put back this update (by its number in the stack's history) whether or not it
     * verified healthy: what ran before a failed deploy. Its health is reported, not required.
     */
    readonly restore?: number;
    /** Why, for the update message. */
    readonly reason?: string;
    readonly root?: string;
    readonly write?: (text: string) => void;
}

export interface RollbackResult {
    /** The earlier update whose release now runs again. */
    readonly target: Release;
    /** The rollback's own update, when it succeeded. */
    readonly update: Release | undefined;
    /** Why the stack did not verify healthy afterwards (only for a `restore` of an update that never verified). */
    readonly unhealthy?: string;
}

export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
    const root = options.root ?? projectRoot();
    requireKnownStack(root, options.stack);
    const request = rollbackRequest(options);
    return withProjectLock(root, `ade rollback ${options.stack}`, () => rollbackLocked(root, request, options));
}

async function rollbackLocked(root: string, request: RollbackRequest, options: RollbackOptions): Promise<RollbackResult> {
    const project = projectName(root);
    const write = options.write === undefined ? print : escaping(options.write);

    const stack = await openStack(root, options.stack);
    const releases = await readReleases(stack, root, options.stack, project);
    const found = findRollbackTarget(releases, request, options.stack);
    if (!found.ok) throw new UserError(`${found.problem}; nothing was changed`);
    const target = found.release;
    const version = target.version ?? "";

    const current = readRawStackConfig(root, options.stack, project);
    let values: Record<string, unknown>;
    if (request.kind === "update") {
        values = {};
        for (const [key, text] of Object.entries(nonSecretConfig(target.entry, project))) values[key] = parseConfigValue(key, text);
    } else {
        const building = Object.entries((current.values["services"] ?? {}) as Record<string, Record<string, unknown>>)
            .filter(([, s]) => s["build"] !== undefined)
            .map(([name]) => `services.${name}.build`);
        if (building.length > 0) {
            throw new UserError(
                `${options.stack} builds ${building.join(", ")} from source, so it has no release image to go back to: roll back a stack that runs releases (testing, production), or check out the source of v${version} (git checkout v${version}) and deploy it; nothing was changed`,
            );
        }
        values = { ...current.values, version };
    }
    const validation = validateStackConfig(options.stack, { values, secrets: current.secrets }, { otherStacks: otherStacks(root, project, options.stack) });
    if (!validation.ok) {
        throw new UserError(`the config of release ${version} (update #${target.update}) is not valid today; nothing was changed.\n${formatProblems(options.stack, validation.problems)}`);
    }

    const backupOf = readStackFile(stackFilePath(root, options.stack), options.stack, project);
    const edits: ConfigEdit[] = [
        ...Object.keys(current.values)
            .filter((key) => !(key in values))
            .map((key): ConfigEdit => ({ kind: "remove", path: [key] })),
        ...Object.entries(values).map(([key, value]): ConfigEdit => ({ kind: "set", path: [key], value })),
    ];
    // The backup and the stack file change together or not at all.
    const backupFile = backupChange(root, options.stack, backupOf.text);
    writeFiles([backupFile, stackFileEdit(root, options.stack, project, edits)]);
    const backup = backupFile.file;
    write(`rolling ${options.stack} back to release ${version} (update #${target.update}, ${printable(target.message || "no message")})\n`);
    write(
        request.kind === "update"
            ? `stack file: restored that update's config (previous file backed up to ${backup})\n`
            : `stack file: version ${version}, the release's images as they were built (previous file backed up to ${backup})\n`,
    );

    const message = `rollback to release ${version} (update #${target.update}): ${options.reason ?? "requested with ade rollback"}`;
    const progress = new Progress(`rolling ${options.stack} back to ${version}`, { mode: progressMode(), write });
    const verification = await upAndVerify(stack, { root, stackName: options.stack, project, message, config: validation.config, progress });
    if (!verification.ok) {
        if (options.restore !== undefined && verification.stage === "verification" && target.health !== "verified") {
            write(`update #${target.update} is running again on ${options.stack}, but does not answer healthy (as before: it never verified healthy): ${verification.failure}\n`);
            return { target, update: undefined, unhealthy: verification.failure };
        }
        throw new UserError(`rollback of ${options.stack} to release ${version} failed: ${verification.failure} (the stack file before the rollback is in ${backup})`);
    }
    for (const line of verification.lines) write(`${line}\n`);
    write(`release ${version} is running on ${options.stack} and verified healthy (update #${verification.update.update})\n`);
    return { target, update: verification.update };
}

function rollbackRequest(options: RollbackOptions): RollbackRequest {
    if (options.restore !== undefined) return { kind: "update", update: options.restore };
    if (options.to !== undefined && options.steps !== undefined) throw new UserError("give either --to <version> or --steps <n>, not both");
    if (options.to !== undefined) {
        const version = parseVersion(options.to);
        if (version === undefined) throw new UserError(`--to ${JSON.stringify(options.to)} is not a release version: give one like 1.2.3 (see: ade history <stack>)`);
        return { kind: "to", version };
    }
    return { kind: "steps", steps: options.steps ?? 1 };
}

export function register(program: Command): void {
    program
        .command("rollback")
        .argument("<stack>", "development, testing or production")
        .option("--to <version>", "the release to return to (it must have verified healthy on the stack)")
        .option("--steps <n>", "how many verified releases back from the running one (default 1)")
        .description("run an earlier release that verified healthy on the stack again (only its version changes: the release's images are reused), and verify it")
        .action(async (stack: string, opts: { to?: string; steps?: string }) => {
            let steps: number | undefined;
            if (opts.steps !== undefined) {
                steps = /^\d+$/.test(opts.steps) ? Number(opts.steps) : NaN;
                if (!(steps >= 1)) throw new UserError(`--steps must be a whole number of releases, 1 or more (got ${JSON.stringify(opts.steps)})`);
            }
            await rollback({ stack, to: opts.to, steps });
        });
}
