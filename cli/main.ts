/**
 * `ade`: the platform's command line. This file declares the commands and maps
 * errors to exit codes; each command lives in cli/commands/ as one async function.
 */
import { Command } from "commander";
import { register as deploy } from "./commands/deploy";
import { register as diff } from "./commands/diff";
import { register as drift } from "./commands/drift";
import { register as envImport } from "./commands/envImport";
import { register as history } from "./commands/history";
import { register as logs } from "./commands/logs";
import { register as promote } from "./commands/promote";
import { register as registry } from "./commands/registry";
import { register as release } from "./commands/release";
import { register as rollback } from "./commands/rollback";
import { register as status } from "./commands/status";
import { register as swarm } from "./commands/swarm";
import { register as version } from "./commands/version";
import { UserError } from "../core/errors";
import { escapeLines } from "../core/text";

const program = new Command()
    .name("ade")
    .description("ADE Platform: promote config between stacks, migrate .env files, release, deploy and roll back; status, logs and drift of a stack")
    .showHelpAfterError();

// Each command module declares its own options and calls one async function.
for (const register of [promote, diff, envImport, version, release, deploy, rollback, history, registry, swarm, status, logs, drift]) register(program);

export async function main(argv: string[]): Promise<number> {
    try {
        await program.parseAsync(argv);
        return process.exitCode === undefined ? 0 : Number(process.exitCode);
    } catch (error) {
        if (error instanceof UserError) {
            process.stderr.write(`ade: ${escapeLines(error.message)}\n`);
            return 1;
        }
        process.stderr.write(`ade: internal error (a bug in ade; please report it):\n${escapeLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
        // Not 2: that is `ade drift`'s answer "the stack drifted".
        return 3;
    }
}
