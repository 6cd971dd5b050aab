/**
 * `ade deploy <stack>`: validate the config, run the unit tests, put back
 * what changed outside Pulumi (drift), preview, `up` with a message naming
 * the release, verify health. When the update or its
 * verification fails, the stack goes back by itself to the newest update that
 * verified healthy, and the command exits non-zero naming what failed and what runs.
 */
import { Command } from "commander";
import { spawnSync } from "child_process";
import { formatProblems, validateStackConfig } from "../../config/validate";
import { findRollbackTarget } from "../../release/history";
import { describeChanges, Progress, progressMode } from "../progress";
import { changelogDescription, readChangelog, releaseMessage } from "../../release/changelog";
import { readRawStackConfig } from "../../stacks/stackFile";
import { readReleases, updateFailure, upAndVerify } from "../deployment";
import { projectName } from "../../stacks/stackFile";
import { UserError } from "../../core/errors";
import { withProjectLock } from "../../core/lock";
import { escaping, print } from "../output";
import { openStack, otherStacks, projectRoot, requireKnownStack } from "../workspace";
import { rollback } from "./rollback";
import { driftLines } from "../../operations/drift";
import { readDrift } from "../refresh";
import { swarmRollbacks } from "../inspect";

export interface DeployOptions {
    readonly stack: string;
    /** Skip `npm test` (the end-to-end suite does: its project copy has no tests). */
    readonly skipTests?: boolean;
    readonly root?: string;
    readonly write?: (text: string) => void;
}

export interface DeployResult {
    readonly version: string;
    readonly update: number;
    readonly databaseBackup: string | undefined;
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
    const root = options.root ?? projectRoot();
    requireKnownStack(root, options.stack);
    return withProjectLock(root, `ade deploy ${options.stack}`, () => deployLocked(root, options));
}

async function deployLocked(root: string, options: DeployOptions): Promise<DeployResult> {
    const project = projectName(root);
    const write = options.write === undefined ? print : escaping(options.write);

    const validation = validateStackConfig(options.stack, readRawStackConfig(root, options.stack, project), { otherStacks: otherStacks(root, project, options.stack) });
    if (!validation.ok) throw new UserError(formatProblems(options.stack, validation.problems));
    const config = validation.config;
    const version = config.version;
    write(`config of ${options.stack}: valid (release ${version})\n`);

    if (options.skipTests === true) {
        write("unit tests: skipped (--skip-tests)\n");
    } else {
        write("unit tests: npm test\n");
        const tests = spawnSync("npm", ["test"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
        if (tests.error !== undefined) throw new UserError(`could not run npm test: ${tests.error.message}`);
        if (tests.status !== 0) throw new UserError(`unit tests failed (npm test exited ${tests.status ?? tests.signal}; output above): fix them, or deploy anyway with --skip-tests; nothing was deployed`);
    }

    const changelog = readChangelog(root);
    const message = releaseMessage(version, changelog === undefined ? undefined : changelogDescription(changelog, version));
    const stack = await openStack(root, options.stack);
    // What changed outside Pulumi (a container stopped or removed by hand), named: the refreshed update puts it back.
    const drifted = (await readDrift(stack)).items;
    if (drifted.length > 0) {
        write(`drift: ${drifted.length} resource(s) changed outside Pulumi; this deploy puts them back:\n${driftLines(drifted).map((l) => `  ${l}\n`).join("")}`);
    }
    try {
        const preview = await stack.preview({ message, color: "never", refresh: true });
        write(`preview: ${describeChanges(preview.changeSummary, "future")}\n`);
    } catch (error) {
        throw new UserError(`preview of ${options.stack} failed: ${updateFailure(error)}; nothing was changed`);
    }

    // What runs now: put back if this update fails, whether or not it ever verified healthy.
    const before = findRollbackTarget(await readReleases(stack, root, options.stack, project), { kind: "previous" }, options.stack);
    const started = new Date();
    const progress = new Progress(`deploying release ${version} to ${options.stack}`, { mode: progressMode(), write });
    const verification = await upAndVerify(stack, { root, stackName: options.stack, project, message, config, progress });
    if (verification.ok) {
        for (const line of verification.lines) write(`${line}\n`);
        const backup = verification.outputs["databaseBackup"]?.value as string | undefined;
        if (backup !== undefined && backup !== "") write(`database backup taken before the update: ${backup}\n`);
        write(`release ${version} is running on ${options.stack} and verified healthy (update #${verification.update.update}: ${message})\n`);
        return { version, update: verification.update.update, databaseBackup: backup === "" ? undefined : backup };
    }

    // Under Swarm, a failing task makes Swarm roll its service back by itself: name the service and Swarm's reason.
    const rolledBack = config.runtime === "swarm" ? await swarmRollbacks(project, options.stack, started) : [];
    const failed = [`release ${version} failed on ${options.stack}: ${verification.failure}`, ...rolledBack].join("\n");
    write(`${failed}\n`);
    if (!before.ok) throw new UserError(`${failed}\nnothing to put back: ${before.problem}; the stack is as the failed update left it`);
    const previous = before.release;
    const what = `release ${previous.version ?? "?"} (update #${previous.update}, ${previous.health})`;
    write(`putting back what ran before: ${what}\n`);
    let back;
    try {
        back = await rollback({ stack: options.stack, restore: previous.update, reason: `release ${version} failed: ${verification.failure}`, root, write });
    } catch (error) {
        // A bug in the rollback keeps its trace; a refused or failed rollback is the user's news.
        if (!(error instanceof UserError)) throw error;
        throw new UserError(`${failed}\nputting back ${what} failed too: ${error.message}`);
    }
    const state =
        back.update === undefined
            ? `running again, not healthy (it never verified healthy): ${back.unhealthy ?? ""}`
            : `running again and verified healthy (update #${back.update.update})`;
    throw new UserError(`${failed}\nput back what ran before: ${what} is ${state}`);
}

export function register(program: Command): void {
    program
        .command("deploy")
        .argument("<stack>", "development, testing or production")
        .option("--skip-tests", "do not run the unit tests (npm test) first")
        .description("validate, test, preview, update and verify health; roll back by itself to the last healthy release when verification fails")
        .action(async (stack: string, opts: { skipTests?: boolean }) => {
            await deploy({ stack, skipTests: opts.skipTests === true });
        });
}
