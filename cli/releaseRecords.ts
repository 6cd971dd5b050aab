/** The project's release records (releases.json) as the CLI reads them: a broken file is the user's to fix. */
import * as path from "path";
import { UserError } from "../core/errors";
import { readTextFileIfExists } from "../core/files";
import { printable } from "../core/text";
import { parseRecords, ReleaseRecord, RELEASES_FILE } from "../release/records";

export function readReleaseRecords(root: string): ReleaseRecord[] {
    const file = path.join(root, RELEASES_FILE);
    const read = parseRecords(readTextFileIfExists(file, { fix: "it records every release's images" }));
    if (!read.ok) throw new UserError(`${printable(file)}: ${read.problem}; it records every release's images: fix it (git checkout ${RELEASES_FILE}) and run the release again`);
    return read.records;
}
