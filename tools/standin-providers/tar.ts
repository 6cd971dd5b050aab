/** Tar streams for uploads, and a hash of a build context, for the docker stand-in. */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { pack as tarPack } from "tar-stream";

export interface TarFile {
    /** Absolute path in the container. */
    readonly path: string;
    readonly content: string;
    readonly mode: number;
}

/** One tar archive holding the files (owned by root, like the real provider's uploads). */
export async function pack(files: readonly TarFile[]): Promise<Buffer> {
    const archive = tarPack();
    for (const f of files) archive.entry({ name: f.path.replace(/^\//, ""), mode: f.mode, uid: 0, gid: 0 }, f.content);
    archive.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
}

/** A hash of every file's path and content under `dir`, so a changed source rebuilds the image. */
export async function contextHash(dir: string): Promise<string> {
    const hash = createHash("sha256");
    const walk = async (d: string): Promise<void> => {
        const entries = (await fs.promises.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
        for (const e of entries) {
            const full = path.join(d, e.name);
            if (e.isDirectory()) await walk(full);
            else if (e.isFile()) hash.update(path.relative(dir, full)).update("\0").update(await fs.promises.readFile(full)).update("\0");
        }
    };
    await walk(dir);
    return hash.digest("hex");
}
