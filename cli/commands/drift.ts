/**
 * `ade drift <stack>`: what changed outside Pulumi since the stack's last
 * update (a container stopped, removed or changed by hand), from a refresh
 * preview that changes nothing. Exits 2 when the stack drifted; `ade deploy`
 * puts it back.
 */
import { Command } from "commander";
import { DriftItem, driftLines } from "../../operations/drift";
import { readDrift } from "../refresh";
import { openStack, projectRoot } from "../workspace";

export interface DriftOptions {
    readonly stack: string;
    readonly root?: string;
    readonly write?: (text: string) => void;
}

/** Exit code of `ade drift` when the stack drifted (as `terraform plan -detailed-exitcode`). */
export const DRIFTED_EXIT_CODE = 2;

export async function drift(options: DriftOptions): Promise<DriftItem[]> {
    const root = options.root ?? projectRoot();
    const write = options.write ?? ((t: string) => process.stdout.write(t));
    const stack = await openStack(root, options.stack);
    const { items, checked } = await readDrift(stack);
    if (items.length === 0) {
        write(`stack ${options.stack}: no drift; its ${checked} resources are as its last update left them\n`);
        return items;
    }
    const count = items.length === 1 ? "1 resource" : `${items.length} resources`;
    write(`stack ${options.stack} drifted: ${count} changed outside Pulumi since its last update:\n`);
    for (const line of driftLines(items)) write(`  ${line}\n`);
    write(`put it back as the code describes it with: ade deploy ${options.stack}\n`);
    return items;
}

export function register(program: Command): void {
    program
        .command("drift")
        .argument("<stack>", "development, testing or production")
        .description(`list what changed outside Pulumi since the stack's last update (exit ${DRIFTED_EXIT_CODE} when something did); ade deploy puts it back`)
        .action(async (stack: string) => {
            const items = await drift({ stack });
            if (items.length > 0) process.exitCode = DRIFTED_EXIT_CODE;
        });
}
