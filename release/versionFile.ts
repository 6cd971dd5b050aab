/**
 * The platform version: `VERSION` at the project root and the release stack's
 * `<project>:version`.
 */
import * as path from "path";
import { UserError } from "../core/errors";
import { FileChange, readTextFile } from "../core/files";
import { printable } from "../core/text";
import { stackFileEdit } from "../stacks/stackFile";
import { parseVersion } from "./semver";

export const VERSION_FILE = "VERSION";

/** The platform version in `<root>/VERSION`. */
export function readVersion(root: string): string {
    const file = path.join(root, VERSION_FILE);
    const text = readTextFile(file, { fix: `create it with the version now released, e.g.: echo 0.1.0 > ${VERSION_FILE}` });
    const version = parseVersion(text);
    if (version === undefined) {
        throw new UserError(`${printable(file)}: ${printable(JSON.stringify(text.trim()))} is not a semver version (write one line like 1.2.3, without a "v")`);
    }
    return version;
}

/** VERSION holding `version`, as a change to write with the others of a release. */
export function versionChange(root: string, version: string): FileChange {
    return { file: path.join(root, VERSION_FILE), text: `${version}\n` };
}

/** `<project>:version` set in a stack file, as a change to write with the others of a release. Reads first; writes nothing. */
export function stackVersionChange(root: string, stack: string, project: string, version: string): FileChange {
    return stackFileEdit(root, stack, project, [{ kind: "set", path: ["version"], value: version }]);
}
