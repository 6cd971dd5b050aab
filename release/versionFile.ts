/**
 * The platform version: `VERSION` at the project root and the release stack's
 * `<project>:version`.
 */
import * as path from "path";
import { UserError } from "../core/errors";
import { FileChange, readTextFile } from "../core/files";
import { printable } from "../core/text";
import { ConfigEdit } from "../stacks/edits";
import { readRawStackConfig, stackFileEdit } from "../stacks/stackFile";
import { ledgerChange, readLedger } from "./ledger";
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

/**
 * `<project>:version` set in a stack file, as changes to write together (the
 * stack file, and the ledger when pins are cleared). Services a rollback
 * pinned to an earlier release's image get their `build` back, so the new
 * version is built from the source again. Reads everything first; writes nothing.
 */
export function stackVersionChanges(root: string, stack: string, project: string, version: string): { changes: FileChange[]; unpinned: string[] } {
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
    const changes = [stackFileEdit(root, stack, project, edits)];
    if (ledger.pins.length > 0) changes.push(ledgerChange(root, stack, { ...ledger, pins: [] }));
    return { changes, unpinned };
}
