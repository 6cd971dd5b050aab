/**
 * No-op `up` and `preview` of each stack (nothing changed), against the same
 * commands on an empty TypeScript Pulumi program (one stack output, no
 * resources) with the same CLI, language host, backend and PULUMI_HOME,
 * interleaved run by run so each ratio is measured in one run. The empty
 * program is what `pulumi new typescript` gives: TypeScript, run by ts-node.
 */
import * as fs from "fs";
import * as path from "path";
import { Harness, REPO, StackName } from "../tests/e2e/harness";
import { pulumi, up } from "./harnessOps";
import { runOk, Timed } from "./proc";
import { Report } from "./report";

const SECTION = "no-op up / preview";

export async function noOp(h: Harness, stacks: readonly StackName[], runs: number, report: Report): Promise<void> {
    for (const stack of stacks) await up(h, stack);
    const empty = emptyProgram(h);
    await empty(["stack", "init", "empty", "--secrets-provider", "passphrase"]);
    await empty(["up", "--yes", "--skip-preview"]); // creates the stack resource; later ups change nothing
    const emptyUps: number[] = [];
    const emptyPreviews: number[] = [];
    for (const stack of stacks) {
        const ups: number[] = [];
        const previews: number[] = [];
        const peerUps: number[] = [];
        const peerPreviews: number[] = [];
        for (let run = 0; run < runs; run++) {
            const result = await up(h, stack);
            if (!/unchanged/.test(result.stdout) || /\b(created|updated|replaced|deleted)\b/.test(result.stdout.split("Resources:")[1] ?? "")) {
                throw new Error(`the no-op up of ${stack} changed something:\n${result.stdout.slice(-2000)}`);
            }
            ups.push(result.seconds);
            peerUps.push((await empty(["up", "--yes", "--skip-preview"])).seconds);
            previews.push((await pulumi(h, stack, ["preview"])).seconds);
            peerPreviews.push((await empty(["preview"])).seconds);
        }
        report.record(SECTION, `no-op up ${stack}`, ups);
        report.ratio(SECTION, `ratio no-op up ${stack} / empty program`, ups, peerUps);
        report.record(SECTION, `preview ${stack}`, previews);
        report.ratio(SECTION, `ratio preview ${stack} / empty program`, previews, peerPreviews);
        emptyUps.push(...peerUps);
        emptyPreviews.push(...peerPreviews);
    }
    report.record(SECTION, "no-op up of the empty program", emptyUps, { note: `${emptyUps.length} runs, interleaved with the stacks'` });
    report.record(SECTION, "preview of the empty program", emptyPreviews, { note: `${emptyPreviews.length} runs, interleaved with the stacks'` });
}

/** A tiny TypeScript Pulumi program beside the copy, on the copy's backend and PULUMI_HOME; returns its CLI runner. */
function emptyProgram(h: Harness): (args: string[]) => Promise<Timed> {
    const dir = path.join(h.dir, "empty-program");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ade-e2e-benchempty\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "ade-e2e-benchempty", private: true, main: "index.ts" }));
    fs.writeFileSync(path.join(dir, "index.ts"), 'import * as pulumi from "@pulumi/pulumi";\n\nexport const project = pulumi.getProject();\n');
    fs.copyFileSync(path.join(REPO, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    return (args) => runOk("pulumi", [...args, "--non-interactive"], { cwd: dir, env: h.env("development") });
}
