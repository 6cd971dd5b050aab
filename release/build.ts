/**
 * Building a release's images once, with the docker CLI: build each service
 * from its source, push it when a registry is named, and read back the digest
 * every stack will run it by.
 */
import { spawn } from "child_process";
import { UserError } from "../core/errors";
import { escapeLines, printable } from "../core/text";
import type { ReleaseImage } from "./records";

export interface ImageToBuild {
    readonly service: string;
    /** Where the image goes: `<registry>/<project>/<service>:<version>`, or without the registry. */
    readonly ref: string;
    /** Build context directory (absolute). */
    readonly context: string;
    readonly dockerfile?: string;
    readonly args: Readonly<Record<string, string>>;
}

export interface BuildOptions {
    /** Push to the image's registry; without one the image stays on this Docker host. */
    readonly push: boolean;
    /** Progress, one line per step. */
    readonly progress: (line: string) => void;
}

/** Builds (and pushes) every image; returns each one's reference and digest. */
export async function buildReleaseImages(images: readonly ImageToBuild[], options: BuildOptions): Promise<ReleaseImage[]> {
    const built: ReleaseImage[] = [];
    for (const image of images) {
        const started = Date.now();
        options.progress(`building ${image.service} as ${image.ref} from ${image.context} ...`);
        const args = ["build", "--tag", image.ref, ...Object.entries(image.args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`])];
        if (image.dockerfile !== undefined) args.push("--file", image.dockerfile);
        await docker([...args, image.context], `building ${image.service}`, { DOCKER_BUILDKIT: "0" });
        options.progress(`built ${image.service} in ${seconds(started)}`);
        let digest: string;
        if (options.push) {
            const pushed = Date.now();
            options.progress(`pushing ${image.ref} ...`);
            await docker(["push", image.ref], `pushing ${image.ref}`);
            digest = repoDigest(image.ref, await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", image.ref], `reading the digest of ${image.ref}`));
            options.progress(`pushed ${image.ref} (${digest}) in ${seconds(pushed)}`);
        } else {
            digest = (await docker(["image", "inspect", "--format", "{{.Id}}", image.ref], `reading the id of ${image.ref}`)).trim();
        }
        built.push({ service: image.service, ref: image.ref, digest });
    }
    return built;
}

/** The digest Docker recorded for `ref`'s repository after the push, from `.RepoDigests`. */
export function repoDigest(ref: string, repoDigestsJson: string): string {
    const repository = ref.slice(0, ref.lastIndexOf(":") > ref.lastIndexOf("/") ? ref.lastIndexOf(":") : ref.length);
    const digests = JSON.parse(repoDigestsJson) as string[] | null;
    const match = (digests ?? []).find((d) => d.startsWith(`${repository}@`));
    if (match === undefined) throw new UserError(`the registry reported no digest for ${printable(ref)} after the push (repo digests: ${printable((digests ?? []).join(", ") || "none")})`);
    return match.slice(match.indexOf("@") + 1);
}

/** Removes a release's image from this Docker host; an image already gone is fine. */
export async function removeLocalImage(ref: string): Promise<void> {
    try {
        await docker(["image", "rm", ref], `removing ${ref}`);
    } catch (error) {
        if (!/No such image/i.test((error as Error).message)) throw error;
    }
}

function docker(args: string[], what: string, env: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn("docker", args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (error: NodeJS.ErrnoException) =>
            reject(error.code === "ENOENT" ? new UserError("docker is not on PATH: a release builds its images with the docker CLI") : error),
        );
        child.on("close", (code) => {
            if (code === 0) resolve(stdout);
            else {
                const last = `${stderr}${stdout}`.trim().split("\n").slice(-8).join("\n");
                reject(new UserError(`${what} failed (docker exited ${code ?? "on a signal"}):\n${escapeLines(last)}`));
            }
        });
    });
}

function seconds(since: number): string {
    return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
