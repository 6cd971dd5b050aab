/**
 * The files a release lives in: `VERSION` (the platform version), `CHANGELOG.md`,
 * the stack files' `<project>:version`, the verification ledger
 * `.ade/releases/<stack>.json`, and the git tag `v<version>`.
 */
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../cli/errors";
import { parseConfigValue } from "../config/validate";
import type { StackConfig } from "../config/schema";
import type { RawStackConfig } from "../config/validate";
import { HistoryEntry, parseReleases, PinnedImage, Release, VerificationRecord } from "./history";
import type { Progress } from "./progress";
import type { ConfigEdit } from "./promotion";
import { parseVersion } from "./semverMath";
import { editedText, readStackFile, writeFileAtomic } from "./stackFile";

export const VERSION_FILE = "VERSION";
export const CHANGELOG_FILE = "CHANGELOG.md";
const CHANGELOG_HEADER = "# Changelog\n\nEvery release of the ADE Platform, newest first (written by `ade release`).\n";

export function stackFilePath(root: string, stack: string): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** The platform version in `<root>/VERSION`. */
export function readVersion(root: string): string {
    const file = path.join(root, VERSION_FILE);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            throw new UserError(`${file}: no such file; create it with the version now released, e.g.: echo 0.1.0 > ${VERSION_FILE}`);
        }
        throw error;
    }
    const version = parseVersion(text);
    if (version === undefined) {
        throw new UserError(`${file}: ${JSON.stringify(text.trim())} is not a semver version (write one line like 1.2.3, without a "v")`);
    }
    return version;
}

export function writeVersion(root: string, version: string): void {
    writeFileAtomic(path.join(root, VERSION_FILE), `${version}\n`);
}

/** The changelog with a new entry on top of the previous ones. Pure. */
export function withChangelogEntry(existing: string | undefined, version: string, date: string, description: string): string {
    const entry = `## ${version} - ${date}\n\n${description.trim()}\n`;
    const text = existing ?? CHANGELOG_HEADER;
    const first = text.search(/^## /m);
    if (first === -1) return `${text.trimEnd()}\n\n${entry}`;
    return `${text.slice(0, first)}${entry}\n${text.slice(first)}`;
}

/** The description of `version`'s changelog entry, or undefined when it has none. Pure. */
export function changelogDescription(text: string, version: string): string | undefined {
    const lines = text.split("\n");
    const heading = lines.findIndex((l) => l.startsWith(`## ${version} `) || l === `## ${version}`);
    if (heading === -1) return undefined;
    const next = lines.findIndex((l, i) => i > heading && l.startsWith("## "));
    const body = lines.slice(heading + 1, next === -1 ? undefined : next).join("\n").trim();
    return body === "" ? undefined : body.replace(/\s+/g, " ");
}

export function readChangelog(root: string): string | undefined {
    const file = path.join(root, CHANGELOG_FILE);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

export function addChangelogEntry(root: string, version: string, date: string, description: string): void {
    writeFileAtomic(path.join(root, CHANGELOG_FILE), withChangelogEntry(readChangelog(root), version, date, description));
}

/** The update message that names a release: `release <version>: <description>`. */
export function releaseMessage(version: string, description: string | undefined): string {
    return description === undefined ? `release ${version}` : `release ${version}: ${description}`;
}

/**
 * A stack's config as its file holds it: non-secret values as the program reads
 * them (`parseConfigValue`), secrets only by presence.
 */
export function readRawStackConfig(root: string, stack: string, project: string): RawStackConfig {
    const { view } = readStackFile(stackFilePath(root, stack), stack, project);
    const values = Object.fromEntries(
        Object.entries(view.values).map(([key, value]) => [key, typeof value === "string" ? parseConfigValue(key, value) : value]),
    );
    return { values, secrets: view.secrets };
}

/** Applies `edits` (non-secret keys only) to the stack file, atomically. */
export function editStackFile(root: string, stack: string, project: string, edits: readonly ConfigEdit[]): void {
    const file = stackFilePath(root, stack);
    const stackFile = readStackFile(file, stack, project);
    writeFileAtomic(file, editedText(stackFile, project, edits));
}

/**
 * Sets `<project>:version` in a stack file. Services a rollback pinned to an
 * earlier release's image get their `build` back, so the new version is built
 * from the source again. Returns the services it unpinned.
 */
export function setStackVersion(root: string, stack: string, project: string, version: string): string[] {
    const ledger = readLedger(root, stack);
    const { values } = readRawStackConfig(root, stack, project);
    const services = (values["services"] ?? {}) as Record<string, Record<string, unknown>>;
    const edits: ConfigEdit[] = [{ kind: "set", path: ["version"], value: version }];
    const unpinned: string[] = [];
    for (const pin of ledger.pins) {
        if (services[pin.service]?.["image"] !== pin.image) continue;
        edits.push({ kind: "remove", path: ["services", pin.service, "image"] }, { kind: "set", path: ["services", pin.service, "build"], value: pin.build });
        unpinned.push(pin.service);
    }
    editStackFile(root, stack, project, edits);
    if (ledger.pins.length > 0) writeLedger(root, stack, { ...ledger, pins: [] });
    return unpinned;
}

/**
 * What `ade` records next to the stack's history: which updates verified
 * healthy (history itself cannot say: an update's message is written before
 * its verification ran) and which images a rollback pinned.
 */
export interface Ledger {
    readonly verified: readonly VerificationRecord[];
    readonly pins: readonly PinnedImage[];
}

export function ledgerPath(root: string, stack: string): string {
    return path.join(root, ".ade", "releases", `${stack}.json`);
}

export function readLedger(root: string, stack: string): Ledger {
    const file = ledgerPath(root, stack);
    if (!fs.existsSync(file)) return { verified: [], pins: [] };
    let data: Partial<Ledger>;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Ledger>;
    } catch (error) {
        throw new UserError(`${file}: not valid JSON (${(error as Error).message}); it records which updates verified healthy: fix it or move it away`);
    }
    return { verified: data.verified ?? [], pins: data.pins ?? [] };
}

export function writeLedger(root: string, stack: string, ledger: Ledger): void {
    const file = ledgerPath(root, stack);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(ledger, null, 2)}\n`);
}

export function recordVerified(root: string, stack: string, record: VerificationRecord): void {
    const ledger = readLedger(root, stack);
    writeLedger(root, stack, { ...ledger, verified: [...ledger.verified.filter((r) => r.update !== record.update), record] });
}

export function recordPins(root: string, stack: string, pins: readonly PinnedImage[]): void {
    writeLedger(root, stack, { ...readLedger(root, stack), pins });
}

/** Git, for `ade release`: undefined outside a work tree. */
export function gitTopLevel(root: string): string | undefined {
    try {
        return git(root, ["rev-parse", "--show-toplevel"]).trim();
    } catch {
        return undefined;
    }
}

export function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new UserError(`git ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
    }
}

/** Which of `files` (absolute) have uncommitted changes, staged or not, relative to the repository top. */
export function uncommitted(top: string, files: readonly string[]): string[] {
    const out = git(top, ["status", "--porcelain", "--", ...files.map((f) => path.relative(top, f))]);
    return out
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => l.slice(3));
}

export function tagExists(top: string, tag: string): boolean {
    return git(top, ["tag", "--list", tag]).trim() === tag;
}

/** Commits exactly `files` (nobody else's staged work) and tags that commit. */
export function commitAndTag(top: string, files: readonly string[], message: string, tag: string): void {
    const relative = files.map((f) => path.relative(top, f));
    git(top, ["add", "--", ...relative]);
    git(top, ["commit", "--quiet", "--only", "-m", message, "--", ...relative]);
    git(top, ["tag", "-a", tag, "-m", message]);
}

// ---------------------------------------------------------------------------
// The engine side: reading all of a stack's history, and an `up` that counts
// only once the services answer healthy.

/** Every entry of the stack's history, newest first: all pages, not the default ten. */
export async function readAllHistory(stack: Stack, pageSize = 100): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (let page = 1; ; page++) {
        const batch = await stack.history(pageSize, page);
        entries.push(...batch);
        if (batch.length < pageSize) return entries;
    }
}

export async function readReleases(stack: Stack, root: string, stackName: string, project: string): Promise<Release[]> {
    return parseReleases(await readAllHistory(stack), project, readLedger(root, stackName).verified);
}

export type Verification =
    | { readonly ok: true; readonly outputs: OutputMap; readonly update: Release; readonly lines: string[] }
    | { readonly ok: false; readonly failure: string };

export interface UpAndVerifyOptions {
    readonly root: string;
    readonly stackName: string;
    readonly project: string;
    readonly message: string;
    /** The validated config the update runs with: health paths and probe timing. */
    readonly config: StackConfig;
    readonly progress: Progress;
}

/**
 * `pulumi up` (which itself fails when the program's health verification
 * fails), then a second probe of every service URL the stack exports. Only
 * when both pass is the update recorded as verified in the ledger.
 */
export async function upAndVerify(stack: Stack, options: UpAndVerifyOptions): Promise<Verification> {
    const { progress } = options;
    let outputs: OutputMap;
    try {
        const result = await stack.up({ message: options.message, onEvent: progress.onEvent, color: "never" });
        outputs = result.outputs;
    } catch (error) {
        progress.finish();
        return { ok: false, failure: updateFailure(error) };
    }
    progress.finish();
    const urls = (outputs["serviceUrls"]?.value ?? {}) as Record<string, string>;
    const targets = Object.entries(urls).map(([name, url]) => ({ name, url: `${url}${options.config.services[name]?.healthPath ?? "/health"}` }));
    const probed = await probeHealth(targets, Math.min(options.config.healthCheck.deadlineSeconds, 30), options.config.healthCheck.requestTimeoutSeconds);
    const unhealthy = probed.filter((p) => !p.healthy);
    if (unhealthy.length > 0) {
        return { ok: false, failure: `Health verification failed after the update: ${unhealthy.map((p) => `"${p.name}" (${p.answer})`).join(", ")}` };
    }
    const releases = await readReleases(stack, options.root, options.stackName, options.project);
    const update = releases[0];
    if (update === undefined || update.message !== options.message || update.result !== "succeeded") {
        throw new Error(`the newest update of ${options.stackName} is not the one just run (${update?.message ?? "none"}): history and ledger disagree`);
    }
    const record: VerificationRecord = {
        update: update.update,
        startTime: update.startTime.toISOString(),
        version: update.version ?? options.config.version,
        verifiedAt: new Date().toISOString(),
    };
    recordVerified(options.root, options.stackName, record);
    return { ok: true, outputs, update: { ...update, health: "verified" }, lines: probed.map((p) => `healthy: ${p.name} ${p.url} answered ${p.answer}`) };
}

/** The line that says why an update failed: the health verification's own message when it was that. */
export function updateFailure(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const health = /Health verification failed: [^\n]*/.exec(text)?.[0];
    if (health !== undefined) return health;
    const lines = text.split("\n").map((l) => l.trim());
    const errors = lines.filter((l) => /^error:/i.test(l) && !/update failed$/i.test(l));
    return (errors[0] ?? lines.find((l) => l !== "") ?? "the update failed").replace(/^error:\s*/i, "");
}

interface Probed {
    readonly name: string;
    readonly url: string;
    readonly healthy: boolean;
    readonly answer: string;
}

async function probeHealth(targets: readonly { name: string; url: string }[], deadlineSeconds: number, timeoutSeconds: number): Promise<Probed[]> {
    return Promise.all(
        targets.map(async ({ name, url }) => {
            const deadline = Date.now() + deadlineSeconds * 1000;
            for (;;) {
                let answer: string;
                let healthy = false;
                try {
                    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
                    const body = (await response.text()).replace(/\s+/g, " ").trim().slice(0, 200);
                    healthy = response.status === 200;
                    answer = `HTTP ${response.status}${body === "" ? "" : `: ${body}`}`;
                } catch (error) {
                    const cause = (error as { cause?: { code?: string } }).cause;
                    answer = `no answer (${cause?.code ?? (error as Error).message})`;
                }
                if (healthy || Date.now() + 1000 > deadline) return { name, url, healthy, answer };
                await new Promise((resolve) => setTimeout(resolve, 1000));
            }
        }),
    );
}

/** Whether Docker has `image` locally (a rollback must not need a registry). */
export function localImageExists(image: string): boolean {
    try {
        execFileSync("docker", ["image", "inspect", "--format", "{{.Id}}", image], { stdio: ["ignore", "pipe", "pipe"] });
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UserError("docker is not on PATH: a rollback checks that the release's images are on this host");
        return false;
    }
}
