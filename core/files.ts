/** File writes every command shares: atomic replacement of a file. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Writes through a temporary file in the same directory and a rename, so readers see the old file or the new one. */
export function writeFileAtomic(file: string, text: string): void {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
    const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : 0o644;
    try {
        const fd = fs.openSync(temp, "wx", mode);
        try {
            fs.writeFileSync(fd, text);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(temp, file);
    } catch (error) {
        fs.rmSync(temp, { force: true });
        throw error;
    }
}

