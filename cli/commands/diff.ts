/**
 * `ade diff <stackA> <stackB>`: what differs between two stacks' config, leaf
 * by leaf, with environment-specific keys marked. Reads the stack files only:
 * secrets are compared by presence, never decrypted, so no passphrase is needed.
 */
import { Command } from "commander";
import { diffStacks, formatDiff } from "../../promotion/plan";
import { projectName } from "../../stacks/stackFile";
import { readStack } from "../stackConfig";
import { print } from "../output";
import { projectRoot } from "../workspace";

export interface DiffOptions {
    readonly a: string;
    readonly b: string;
}

export function register(program: Command): void {
    program
        .command("diff")
        .description("show what differs between two stacks' config (secrets by presence only; [env] marks environment-specific keys)")
        .argument("<stackA>", "left stack")
        .argument("<stackB>", "right stack")
        .action(async (a: string, b: string) => {
            await diff({ a, b });
        });
}

export function diff(options: DiffOptions): Promise<void> {
    const root = projectRoot();
    const project = projectName(root);
    const a = readStack(root, project, options.a, "first");
    const b = readStack(root, project, options.b, "second");
    print(`${formatDiff(diffStacks(a.view, b.view))}\n`);
    return Promise.resolve();
}
