/** `ade history <stack>`: every update of the stack as a release, with whether it verified healthy. */
import { Command } from "commander";
import { historyTable, Release } from "../../release/history";
import { ledgerPath } from "../../release/ledger";
import { readReleases } from "../deployment";
import { projectName } from "../../stacks/stackFile";
import { escaping, print } from "../output";
import { openStack, projectRoot } from "../workspace";

export interface HistoryOptions {
    readonly stack: string;
    readonly root?: string;
    readonly write?: (text: string) => void;
}

export async function history(options: HistoryOptions): Promise<Release[]> {
    const root = options.root ?? projectRoot();
    const stack = await openStack(root, options.stack);
    const releases = await readReleases(stack, root, options.stack, projectName(root));
    const write = options.write === undefined ? print : escaping(options.write);
    if (releases.length === 0) {
        write(`stack ${options.stack} has no updates yet (deploy one with: ade deploy ${options.stack})\n`);
    } else {
        write(`${historyTable(releases).join("\n")}\n`);
        write(`HEALTH "verified" comes from ${ledgerPath(root, options.stack)}; "unverified" updates ran outside ade deploy/rollback or failed the final probe.\n`);
    }
    return releases;
}

export function register(program: Command): void {
    program
        .command("history")
        .argument("<stack>", "development, testing or production")
        .description("list the stack's updates as releases: version, time, result, health verification, message")
        .action(async (stack: string) => {
            await history({ stack });
        });
}
