/**
 * Version arithmetic of platform releases. Pure: no file, git or Pulumi access,
 * so every rule is covered by table-driven tests.
 */
import * as semver from "semver";

export const RELEASE_LEVELS = ["major", "minor", "patch"] as const;
export type ReleaseLevel = (typeof RELEASE_LEVELS)[number];

/** The level named by `text`, or undefined when it is none of major, minor, patch. */
export function parseReleaseLevel(text: string): ReleaseLevel | undefined {
    return (RELEASE_LEVELS as readonly string[]).includes(text) ? (text as ReleaseLevel) : undefined;
}

/**
 * `text` as a canonical semver version (`1.2.3`, `1.2.3-rc.1`), or undefined.
 * Surrounding whitespace (a trailing newline in VERSION) is ignored; a `v`
 * prefix, leading zeros, missing parts or build metadata (`+build.5`, which a
 * Docker tag cannot hold) are not versions, because the version becomes an
 * image tag and a git tag that must be written one way.
 */
export function parseVersion(text: string): string | undefined {
    const trimmed = text.trim();
    const canonical = semver.valid(trimmed);
    return canonical !== null && canonical === trimmed ? canonical : undefined;
}

/**
 * The next version at `level`. A pre-release finishes at its own version when
 * the level allows it (`1.2.0-rc.1` + patch = `1.2.0`), as semver defines.
 * Throws on a version that is not canonical semver: callers parse first.
 */
export function bumpVersion(version: string, level: ReleaseLevel): string {
    if (parseVersion(version) === undefined) throw new RangeError(`not a semver version: ${JSON.stringify(version)}`);
    const next = semver.inc(version, level);
    if (next === null) throw new RangeError(`semver cannot bump ${version} at ${level}`);
    return next;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
    return semver.compare(a, b);
}
