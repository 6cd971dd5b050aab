/**
 * The one rule for commands that write: nothing is written without `--yes`,
 * or a "y" typed at an interactive prompt. Without a terminal (CI), the
 * command shows its plan and stops, so a pipeline never writes by accident.
 */
import * as readline from "readline/promises";

export async function confirmWrite(yes: boolean, question: string, rerun: string): Promise<boolean> {
    if (yes) return true;
    if (process.stdin.isTTY !== true) {
        process.stdout.write(`Nothing was written (no terminal to confirm on): re-run with --yes to write: ${rerun}\n`);
        return false;
    }
    const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
        const answer = await prompt.question(`${question} [y/N] `);
        if (/^y(es)?$/i.test(answer.trim())) return true;
        process.stdout.write("Nothing was written.\n");
        return false;
    } finally {
        prompt.close();
    }
}
