/**
 * The machine's image mirrors: for a public image reference the config names
 * (`postgres:15.8-bookworm`), the image this machine runs in its place
 * (`ade-local/postgres:15-1`, built by toolchain/build-images.sh where no
 * registry can be reached). Every entry point (`pulumi up`, `ade`, dev-up.sh,
 * the tests, the benchmark) runs the program, and the program reads this one
 * file, so they all run the same images. Without the file, every image is
 * what the config names.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";

export type ImageMirrors = Readonly<Record<string, string>>;

const mirrorFileSchema = z.object({
    version: z.literal(1, { error: "must be 1" }),
    mirrors: z.record(z.string().min(1), z.string().min(1, { error: "must name a local image" })),
});

/** `ADE_IMAGE_MIRRORS`, else `$XDG_CONFIG_HOME/ade-platform/image-mirrors.json` (`~/.config/...`). */
export function imageMirrorsFile(env: NodeJS.ProcessEnv = process.env): string {
    const explicit = env["ADE_IMAGE_MIRRORS"];
    if (explicit !== undefined && explicit !== "") return explicit;
    const configHome = env["XDG_CONFIG_HOME"] ?? path.join(os.homedir(), ".config");
    return path.join(configHome, "ade-platform", "image-mirrors.json");
}

export type MirrorsRead = { ok: true; mirrors: ImageMirrors; file: string | undefined } | { ok: false; problem: string };

/** Reads the mirror file; a missing file means no mirrors, a broken one is a problem to report. */
export function readImageMirrors(file: string = imageMirrorsFile()): MirrorsRead {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, mirrors: {}, file: undefined };
        return { ok: false, problem: `${file}: cannot be read (${(error as Error).message}); fix or remove it (toolchain/build-images.sh writes it)` };
    }
    return parseImageMirrors(file, text);
}

export function parseImageMirrors(file: string, text: string): MirrorsRead {
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        return { ok: false, problem: `${file}: not valid JSON (${(error as Error).message}); run toolchain/build-images.sh to write it again` };
    }
    const parsed = mirrorFileSchema.safeParse(data);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined || issue.path.length === 0 ? "the file" : issue.path.join(".");
        return { ok: false, problem: `${file}: ${where} ${issue?.message ?? "is invalid"}; run toolchain/build-images.sh to write it again` };
    }
    return { ok: true, mirrors: parsed.data.mirrors, file };
}

/** The image this machine runs for `ref`. */
export function mirrored(ref: string, mirrors: ImageMirrors): string {
    return mirrors[ref] ?? ref;
}

/** An image the stack runs: the config key that names it, and what runs on this machine. */
export interface StackImage {
    /** Config path that names the image (`images.postgres`, `services.web.image`). */
    readonly key: string;
    /** The reference the config names. */
    readonly configured: string;
    /** The reference this machine runs (its mirror, or the same). */
    readonly ref: string;
}

/** Every image the stack's config makes it run, by config key, after the machine's mirrors. */
export function stackImages(
    c: {
        readonly images: Readonly<Record<string, string>>;
        readonly services: Readonly<Record<string, { readonly image?: string; readonly build?: unknown }>>;
        readonly debug: { readonly dbAdmin: { readonly enabled: boolean } };
        readonly runtime: string;
    },
    mirrors: ImageMirrors,
): StackImage[] {
    const used = Object.entries(c.images).filter(([name]) => {
        if (name === "dbAdmin") return c.debug.dbAdmin.enabled;
        if (name === "appBase") return Object.values(c.services).some((s) => s.build !== undefined);
        if (name === "proxy") return c.runtime === "swarm";
        return true;
    });
    const images = used.map(([name, configured]) => ({ key: `images.${name}`, configured }));
    for (const [name, s] of Object.entries(c.services)) if (s.image !== undefined) images.push({ key: `services.${name}.image`, configured: s.image });
    return images.map((i) => ({ ...i, ref: mirrored(i.configured, mirrors) }));
}
