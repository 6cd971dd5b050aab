/**
 * `ade`: the platform's command line. This file declares the commands and maps
 * errors to exit codes; each command lives in cli/commands/ as one async function.
 */
import { Command } from "commander";
import { UserError } from "./errors";

const program = new Command()
    .name("ade")
    .description("ADE Platform: promote config between stacks, migrate .env files, release, deploy and roll back")
    .showHelpAfterError();

// Each command module registers itself here; see cli/commands/*.ts.
const registrations: ((program: Command) => void)[] = [];
for (const mod of ["promote", "diff", "envImport", "version", "release", "deploy", "rollback", "history"]) {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        registrations.push((require(`./commands/${mod}`) as { register: (p: Command) => void }).register);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !String((error as Error).message).includes(`commands/${mod}`)) throw error;
    }
}
for (const register of registrations) register(program);

export async function main(argv: string[]): Promise<number> {
    try {
        await program.parseAsync(argv);
        return process.exitCode === undefined ? 0 : Number(process.exitCode);
    } catch (error) {
        if (error instanceof UserError) {
            process.stderr.write(`ade: ${error.message}\n`);
            return 1;
        }
        process.stderr.write(`ade: internal error (a bug in ade; please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return 2;
    }
}
