/**
 * The platform version: `VERSION` at the project root and the release stack's
 * `<project>:version`.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../core/errors";
import { writeFileAtomic } from "../core/files";
import { ConfigEdit } from "../stacks/edits";
import { editStackFile, readRawStackConfig } from "../stacks/stackFile";
import { readLedger, writeLedger } from "./ledger";
import { parseVersion } from "./semver";

export const VERSION_FILE = "VERSION";

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

