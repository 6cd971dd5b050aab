/**
 * Throwaway copies of the project for the suites that run the real `ade` CLI
 * and the real Pulumi engine on config alone (no Docker): Pulumi.yaml and the
 * stack files under a renamed project (so no key name is taken for granted), a
 * private PULUMI_HOME and a file backend of their own. With `program: true`
 * the copy holds the program too, for `pulumi preview`.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { SOURCE_ROOT } from "../../core/paths";
import { projectEntries } from "./harness";

export const REPO = SOURCE_ROOT;
export const PASSPHRASES: Record<string, string> = {
    development: "ade-local-development",
    testing: "ade-local-testing",
    production: "ade-local-production",
};
export const SECRETS = ["databasePassword", "grafanaAdminPassword", "appSecretKey"];

/** Raw, untyped config parsed from a stack file. */
export type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Project {
    readonly dir: string;
    readonly stateDir: string;
}

export interface CliResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}


export class CliProjects {
    private pulumiHome = "";
    private readonly made: string[] = [];

    /** `project` is the copies' project name (`ade-e2e-<suite>`). */
    constructor(public readonly project: string) {}

    /** Call in `before`: checks for the Pulumi CLI and makes the private PULUMI_HOME. */
    setUp(): void {
        const version = spawnSync("pulumi", ["version"], { encoding: "utf8" });
        if (version.status !== 0) throw new Error("the Pulumi CLI is not on PATH: run `source toolchain/env.sh` first");
        this.pulumiHome = fs.mkdtempSync(path.join(os.tmpdir(), `${this.project}-home-`));
        this.made.push(this.pulumiHome);
    }

    /** Call in `after`. */
    cleanUp(): void {
        for (const dir of this.made) fs.rmSync(dir, { recursive: true, force: true });
    }

    /** A fresh copy of Pulumi.yaml and the stack files (and the program, if asked), with its own file backend. */
    make(options: { program?: boolean } = {}): Project {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.project}-`));
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.project}-state-`));
        this.made.push(dir, stateDir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8").replace(/^name: ade$/m, `name: ${this.project}`));
        for (const stack of Object.keys(PASSPHRASES)) {
            const text = fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8");
            fs.writeFileSync(stackPath({ dir, stateDir }, stack), text.replace(/^ {2}ade:/gm, `  ${this.project}:`));
        }
        if (options.program === true) {
            // The program's sources and bin/ (Pulumi.yaml runs bin/program.js, which builds dist/), as the harness copies them.
            for (const entry of projectEntries().filter((e) => e !== "Pulumi.yaml")) {
                fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true, filter: (src) => !/(^|[/\\])(node_modules|dist)([/\\]|$)/.test(path.relative(REPO, src)) });
            }
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
        }
        return { dir, stateDir };
    }

    /** Edits a copied stack file through the yaml Document API (path without the project prefix). */
    editStack(project: Project, stack: string, edit: (set: (p: string[], v: unknown) => void, del: (p: string[]) => void) => void): void {
        const file = stackPath(project, stack);
        const doc = parseDocument(fs.readFileSync(file, "utf8"));
        const at = (p: string[]) => ["config", `${this.project}:${p[0]}`, ...p.slice(1)];
        edit(
            (p, v) => doc.setIn(at(p), v),
            (p) => doc.deleteIn(at(p)),
        );
        fs.writeFileSync(file, doc.toString());
    }

    env(project: Project): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = { ...process.env };
        for (const key of Object.keys(env)) if (key.startsWith("ADE_PASSPHRASE_") || key.startsWith("PULUMI_CONFIG_PASSPHRASE")) delete env[key];
        return {
            ...env,
            ADE_PROJECT_DIR: project.dir,
            PULUMI_HOME: this.pulumiHome,
            PULUMI_BACKEND_URL: `file://${project.stateDir}`,
            PULUMI_SKIP_UPDATE_CHECK: "true",
        };
    }

    /** Runs the real CLI without a terminal (stdin is a pipe), as CI would; a command that hangs fails the test instead. */
    ade(project: Project, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
        const result = spawnSync(process.execPath, [path.join(REPO, "bin", "ade.js"), ...args], {
            cwd: project.dir,
            env: { ...this.env(project), ...env },
            input: "",
            encoding: "utf8",
            timeout: 120_000,
        });
        if (result.error !== undefined) throw new Error(`ade ${args.join(" ")} did not finish: ${result.error.message}`);
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    /** Starts the real CLI and resolves when it ends, so that two can run at once. */
    adeAsync(project: Project, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [path.join(REPO, "bin", "ade.js"), ...args], { cwd: project.dir, env: { ...this.env(project), ...env }, stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, stdout, stderr }));
            child.stdin.end();
        });
    }

    /** Runs the Pulumi CLI in the copy with the stack's passphrase. */
    pulumi(project: Project, stack: string, args: string[]): CliResult {
        const result = spawnSync("pulumi", [...args, "--stack", stack, "--non-interactive"], {
            cwd: project.dir,
            env: { ...this.env(project), PULUMI_CONFIG_PASSPHRASE: PASSPHRASES[stack] ?? "" },
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    /** The stack's config as Pulumi decrypts it with the stack's own passphrase. */
    async decrypted(project: Project, stack: string): Promise<ConfigMap> {
        const env = this.env(project);
        const ws = await LocalWorkspace.create({
            workDir: project.dir,
            envVars: {
                PULUMI_CONFIG_PASSPHRASE: PASSPHRASES[stack] as string,
                PULUMI_HOME: this.pulumiHome,
                PULUMI_BACKEND_URL: env["PULUMI_BACKEND_URL"] as string,
                PULUMI_SKIP_UPDATE_CHECK: "true",
            },
        });
        const s = await Stack.createOrSelect(stack, ws);
        return s.getAllConfig();
    }

    secretValues(config: ConfigMap): Record<string, string> {
        const at = (k: string) => config[`${this.project}:${k}`];
        return Object.fromEntries(SECRETS.map((k) => [k, (at(k)?.secret === true ? at(k)?.value : "NOT A SECRET") ?? "ABSENT"]));
    }

    stackValues(project: Project, stack: string): Raw {
        const config = (parse(fs.readFileSync(stackPath(project, stack), "utf8")) as { config: Record<string, unknown> }).config;
        return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.slice(this.project.length + 1), v]));
    }
}

export function stackPath(project: Project, stack: string): string {
    return path.join(project.dir, `Pulumi.${stack}.yaml`);
}

/** Every file and symbolic link of the project copy (backups included) with a hash of its content and its mode. */
export function snapshot(project: Project): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.name === "node_modules") continue;
            const key = path.relative(project.dir, full);
            if (entry.isSymbolicLink()) files[key] = `link to ${fs.readlinkSync(full)}`;
            else if (entry.isDirectory()) walk(full);
            else if (entry.isFile()) files[key] = `${(fs.statSync(full).mode & 0o777).toString(8)} ${crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`;
        }
    };
    walk(project.dir);
    return files;
}

export function secureLines(project: Project, stack: string): string[] {
    return fs
        .readFileSync(stackPath(project, stack), "utf8")
        .split("\n")
        .filter((l) => l.includes("secure:") || l.startsWith("encryptionsalt:"));
}

export function backups(project: Project, stack: string): string[] {
    const dir = path.join(project.dir, ".ade", "backups", stack);
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
}
