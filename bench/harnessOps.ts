/**
 * What the benchmarks do with an end-to-end harness copy (tests/e2e/harness.ts),
 * asynchronously: the Pulumi CLI and the copy's own `ade`, and the container
 * names a stack runs, read from the resources the program registers.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { imageMirrorsFile } from "../config/imageMirrors";
import { Harness, StackName } from "../tests/e2e/harness";
import { RecordedResource, runProgram, toRuntimeConfig } from "../tests/mocks";
import { runOk, runTimed, Timed } from "./proc";

export function pulumi(h: Harness, stack: StackName, args: string[]): Promise<Timed> {
    return runOk("pulumi", [...args, "--stack", stack, "--non-interactive"], { cwd: h.dir, env: h.env(stack) });
}

export function up(h: Harness, stack: StackName): Promise<Timed> {
    return pulumi(h, stack, ["up", "--yes", "--skip-preview", "--message", "bench"]);
}

export function destroy(h: Harness, stack: StackName): Promise<Timed> {
    return pulumi(h, stack, ["destroy", "--yes", "--skip-preview"]);
}

/** The copy's own `ade`, as a user runs it in CI mode (plain progress lines); the exit status is the caller's to check. */
export function ade(h: Harness, args: string[], stack: StackName = "development", env: NodeJS.ProcessEnv = {}): Promise<Timed> {
    return runTimed(process.execPath, [path.join(h.dir, "bin", "ade.js"), ...args], {
        cwd: h.dir,
        env: { ...h.env(stack), ...env, ADE_PROJECT_DIR: h.dir, CI: "true" },
    });
}

export async function adeOk(h: Harness, args: string[], stack: StackName = "development", env: NodeJS.ProcessEnv = {}): Promise<Timed> {
    const result = await ade(h, args, stack, env);
    if (result.status !== 0) throw new Error(`ade ${args.join(" ")} exited ${result.status}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    return result;
}

/**
 * This machine's image mirrors, as the bench found them when it started: mocked
 * evaluations set ADE_IMAGE_MIRRORS in this process, which every child (pulumi, ade) inherits.
 */
export const MACHINE_IMAGE_MIRRORS = imageMirrorsFile();

/** Runs `fn`, then gives this process (and its children) this machine's image mirrors back. */
export async function keepingImageMirrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } finally {
        process.env["ADE_IMAGE_MIRRORS"] = MACHINE_IMAGE_MIRRORS;
    }
}

/** The resources the program registers for the copy's stack (its project name, ports, and images after this machine's mirrors), secrets faked. */
export async function recordStack(h: Harness, stack: StackName): Promise<RecordedResource[]> {
    const file = parse(fs.readFileSync(path.join(h.dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const { mocks } = await keepingImageMirrors(() => runProgram(stack, toRuntimeConfig(file.config), h.project, undefined, MACHINE_IMAGE_MIRRORS));
    return mocks.resources;
}

/** Long-running containers (not the one-shot `-files` deliverers): what "all healthy" means. */
export function serviceContainers(resources: readonly RecordedResource[]): string[] {
    return resources
        .filter((r) => r.type === "docker:index/container:Container" && r.inputs["mustRun"] !== false)
        .map((r) => String(r.inputs["name"]))
        .sort();
}
