/**
 * `ade rollback <stack> [--to <version> | --steps <n>]`: redeploys a release
 * that verified healthy, found in the stack's history (all pages). The stack
 * file gets that update's non-secret config back; secrets stay the stack's
 * current ones. Services built from source are pinned to the image their
 * release built (`<project>/<service>:<version>`, never deleted), so nothing is
 * rebuilt and no registry is needed; the next `ade release` unpins them.
 */
import { Command } from "commander";
import { parseConfigValue, formatProblems, validateStackConfig } from "../../config/validate";
import { findRollbackTarget, nonSecretConfig, pinReleaseImages, Release, RollbackRequest } from "../../release/history";
import { Progress, progressMode } from "../progress";
import { readRawStackConfig, readStackFile, stackFileEdit, stackFilePath } from "../../stacks/stackFile";
import { pinsChange, readLedger } from "../../release/ledger";
import { localImageExists, readReleases, upAndVerify } from "../deployment";
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

    const values: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(nonSecretConfig(target.entry, project))) values[key] = parseConfigValue(key, text);
    const current = readRawStackConfig(root, options.stack, project);
    // Where the services are built from source today: the stack file's own build blocks, or those an earlier rollback set aside.
    const knownBuilds: Record<string, unknown> = Object.fromEntries(readLedger(root, options.stack).pins.map((p) => [p.service, p.build]));
    for (const [name, service] of Object.entries((current.values["services"] ?? {}) as Record<string, Record<string, unknown>>)) {
        if (service["build"] !== undefined) knownBuilds[name] = service["build"];
    }
    const { services, pins } = pinReleaseImages((values["services"] ?? {}) as Record<string, Record<string, unknown>>, project, version, knownBuilds);
    values["services"] = services;
    const missing = pins.filter((p) => !localImageExists(p.image)).map((p) => p.image);
    if (missing.length > 0) {
        throw new UserError(
            `release ${version} cannot be rolled back to on this host: its image(s) ${missing.join(", ")} are not in Docker (ade never deletes release images; were they removed with docker rmi?); nothing was changed`,
        );
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
    // The backup, the stack file and the ledger's pins change together or not at all.
    const backupFile = backupChange(root, options.stack, backupOf.text);
    writeFiles([backupFile, stackFileEdit(root, options.stack, project, edits), pinsChange(root, options.stack, pins)]);
    const backup = backupFile.file;
    write(`rolling ${options.stack} back to release ${version} (update #${target.update}, ${printable(target.message || "no message")})\n`);
    write(`stack file: restored that update's config (previous file backed up to ${backup})\n`);
    for (const pin of pins) write(`${pin.service}: runs ${pin.image}, the image release ${version} built (not rebuilt)\n`);

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
        .description("redeploy an earlier release that verified healthy, from the stack's history, and verify it")
        .action(async (stack: string, opts: { to?: string; steps?: string }) => {
            let steps: number | undefined;
            if (opts.steps !== undefined) {
                steps = /^\d+$/.test(opts.steps) ? Number(opts.steps) : NaN;
                if (!(steps >= 1)) throw new UserError(`--steps must be a whole number of releases, 1 or more (got ${JSON.stringify(opts.steps)})`);
            }
            await rollback({ stack, to: opts.to, steps });
        });
}
