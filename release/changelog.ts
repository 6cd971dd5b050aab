/** `CHANGELOG.md`: one entry per release, newest first, and the update messages that name a release. */
import * as path from "path";
import { FileChange, readTextFileIfExists } from "../core/files";

export const CHANGELOG_FILE = "CHANGELOG.md";
const CHANGELOG_HEADER = "# Changelog\n\nEvery release of the ADE Platform, newest first (written by `ade release`).\n";

/** The changelog with a new entry on top of the previous ones. Pure. */
export function withChangelogEntry(existing: string | undefined, version: string, date: string, description: string): string {
    const entry = `## ${version} - ${date}\n\n${description.trim()}\n`;
    const text = existing ?? CHANGELOG_HEADER;
    const first = text.search(/^## /m);
    if (first === -1) return `${text.trimEnd()}\n\n${entry}`;
    return `${text.slice(0, first)}${entry}\n${text.slice(first)}`;
}

/** The description of `version`'s changelog entry (its first paragraph, before the image list), or undefined when it has none. Pure. */
export function changelogDescription(text: string, version: string): string | undefined {
    const lines = text.split("\n");
    const heading = lines.findIndex((l) => l.startsWith(`## ${version} `) || l === `## ${version}`);
    if (heading === -1) return undefined;
    const next = lines.findIndex((l, i) => i > heading && l.startsWith("## "));
    const body = lines.slice(heading + 1, next === -1 ? undefined : next).join("\n").trim();
    const first = body.split(/\n\s*\n/)[0] ?? "";
    return first === "" ? undefined : first.replace(/\s+/g, " ");
}

export function readChangelog(root: string): string | undefined {
    return readTextFileIfExists(path.join(root, CHANGELOG_FILE), { fix: "it lists the releases, newest first" });
}

/** CHANGELOG.md with a new entry on top, as a change to write with the others of a release. */
export function changelogChange(root: string, version: string, date: string, description: string): FileChange {
    return { file: path.join(root, CHANGELOG_FILE), text: withChangelogEntry(readChangelog(root), version, date, description) };
}

/** The update message that names a release: `release <version>: <description>`. */
export function releaseMessage(version: string, description: string | undefined): string {
    return description === undefined ? `release ${version}` : `release ${version}: ${description}`;
}

