/**
 * The files a release lives in: `VERSION` (the platform version), `CHANGELOG.md`,
 * the stack files' `<project>:version` and the verification ledger
 * `.ade/releases/<stack>.json` (git tags: lib/git.ts; the engine side: cli/deployment.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../cli/errors";
import { parseConfigValue } from "../config/validate";
import type { RawStackConfig } from "../config/validate";
import type { PinnedImage, VerificationRecord } from "./history";
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
