import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { StackImage } from "../config/imageMirrors";
import type { StackConfig } from "../config/schema";
import { releaseImageRef } from "../release/records";
import type { ImageBuild } from "./workload";

/** An image the stack runs as it is, pulled when the Docker host lacks it. */
export interface PulledImage {
    /** The reference to run (after the machine's mirrors). */
    readonly ref: string;
}

/** An image built from local sources on every update (development's inner loop). */
export interface BuiltImage {
    /** Tag the build gets. */
    readonly tag: string;
    readonly build: ImageBuild;
    /** Earlier places of the same resource (it lived under the service before). */
    readonly aliases?: readonly pulumi.Input<pulumi.Alias | string>[];
}

export interface ImagesArgs {
    /** Images to pull or confirm present, by key (`postgres`, `api`, ...). */
    readonly pulled: Readonly<Record<string, PulledImage>>;
    /** Images to build, by key. */
    readonly built: Readonly<Record<string, BuiltImage>>;
}

/**
 * Every image a stack runs, resolved before any container that uses it is
 * touched: an image that cannot be pulled or built fails the update while the
 * running containers stay as they are. Containers run images by id, so a new
 * build or a moved tag replaces exactly the containers that run it.
 */
export class Images extends pulumi.ComponentResource {
    /** Image id (`sha256:...`) by key. */
    public readonly ids: Readonly<Record<string, pulumi.Output<string>>>;
    /** Reference by key (`name:tag`, or `name:tag@sha256:...` where pinned), resolved once the image is there. */
    public readonly refs: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: ImagesArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Images", name, {}, opts);
        const ids: Record<string, pulumi.Output<string>> = {};
        const refs: Record<string, pulumi.Output<string>> = {};
        for (const [key, image] of Object.entries(args.pulled)) {
            // Kept on destroy: the same image serves other stacks, and a rollback needs it.
            const pulled = new docker.RemoteImage(`${name}-${key}`, { name: image.ref, keepLocally: true }, { parent: this });
            ids[key] = pulled.imageId;
            refs[key] = pulumi.all([pulled.name, pulled.imageId]).apply(([ref]) => ref);
        }
        for (const [key, image] of Object.entries(args.built)) {
            const built = new docker.Image(
                `${name}-${key}`,
                {
                    imageName: image.tag,
                    skipPush: true,
                    buildOnPreview: false,
                    build: {
                        context: image.build.context,
                        dockerfile: image.build.dockerfile,
                        args: image.build.args,
                        builderVersion: docker.BuilderVersion.BuilderV1,
                        platform: "linux/amd64",
                    },
                },
                { parent: this, aliases: image.aliases === undefined ? undefined : [...image.aliases] },
            );
            // Without a push, the provider reports the local image id as the repo digest.
            ids[key] = built.repoDigest;
            refs[key] = pulumi.all([built.imageName, built.repoDigest]).apply(([ref]) => ref);
        }
        this.ids = ids;
        this.refs = refs;
        this.registerOutputs({ ids, refs });
    }
}

/** An image the config names, and the config key that names it (for the fix). */
export interface RequiredImage {
    readonly key: string;
    /** The reference to run (after the machine's mirrors). */
    readonly ref: string;
    /** What the config says, when a mirror stands in for it. */
    readonly configured?: string;
}

/**
 * Every required image that can be had neither from this Docker host nor from
 * its registry, one line each with the fix; empty when all can. Runs in
 * previews, so a plan never replaces a container whose image cannot be had.
 */
export async function unavailableImages(images: readonly RequiredImage[], provider: docker.Provider): Promise<string[]> {
    const problems = await Promise.all(
        images.map(async (image): Promise<string | undefined> => {
            try {
                await docker.getRemoteImage({ name: image.ref }, { provider });
                return undefined;
            } catch {
                // Not on this host: the registry must have it.
            }
            try {
                await docker.getRegistryImage({ name: image.ref }, { provider });
                return undefined;
            } catch (error) {
                const registryAnswer = firstLine(error);
                const standsFor = image.configured === undefined || image.configured === image.ref ? "" : ` (this machine's mirror for ${image.configured})`;
                return (
                    `${image.key}: image ${image.ref}${standsFor} cannot be had: it is not on this Docker host and its registry answered: ${registryAnswer}; ` +
                    `pull or build it, or name an image that exists (pulumi config set --path ${image.key} <image>)`
                );
            }
        }),
    );
    return problems.filter((p): p is string => p !== undefined);
}

function firstLine(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    return lines.find((l) => !/^(invoke|error|failed)\b.*:$/i.test(l)) ?? lines[0] ?? "no answer";
}

/** The pieces of the stack's config that decide its released images. */
export interface ReleaseImagesArgs {
    readonly project: string;
    readonly version: string;
    readonly registry: string | undefined;
    /** Services that neither build nor name an image: they run their release's image. */
    readonly services: readonly string[];
    /** The stack's docker provider (it knows how to reach the registry). */
    readonly provider: docker.Provider;
}

/**
 * The image each released service runs: `<registry>/<project>/<service>:<version>`
 * pinned by the digest the registry reports, or the local image of that name
 * when no registry is configured; and, one line each, every release image that
 * does not exist, with the command that makes it.
 */
export async function releaseImages(args: ReleaseImagesArgs): Promise<{ images: StackImage[]; problems: string[] }> {
    const results = await Promise.all(
        args.services.map(async (service): Promise<StackImage | string> => {
            const key = `services.${service}.release`;
            const ref = releaseImageRef(args.registry, args.project, service, args.version);
            const fix = `make it with \`ade release <major|minor|patch> "<what changed>"\` (from development), or promote a released version: ade promote development <stack>`;
            if (args.registry === undefined) {
                try {
                    await docker.getRemoteImage({ name: ref }, { provider: args.provider });
                    return { key, configured: ref, ref };
                } catch {
                    return `${key}: release ${args.version} has no image ${ref} on this Docker host (no registry is configured): ${fix}`;
                }
            }
            try {
                const found = await docker.getRegistryImage({ name: ref }, { provider: args.provider });
                return { key, configured: ref, ref: `${ref}@${found.sha256Digest}` };
            } catch (error) {
                return `${key}: release ${args.version} has no image ${ref} in registry ${args.registry} (it answered: ${firstLine(error)}): ${fix}`;
            }
        }),
    );
    return {
        images: results.filter((r): r is StackImage => typeof r !== "string"),
        problems: results.filter((r): r is string => typeof r === "string"),
    };
}

/** What a stack's images come from. */
export interface StackImagesArgs {
    readonly project: string;
    readonly config: StackConfig;
    /** Directory build contexts are resolved against. */
    readonly rootDirectory: string;
    /** Every image the stack runs, after the machine's image mirrors. */
    readonly images: readonly StackImage[];
}

/** A stack's images by config key (`images.postgres`, `services.api.build`), as the runtime refers to them. */
export interface StackImages {
    image(key: string): pulumi.Output<string>;
    has(key: string): boolean;
}

/**
 * The stack's images as resources, resolved before any container that uses
 * them is replaced: pulled (or found locally), or built from source. `name`
 * and `parent` are the platform's.
 */
export function stackImages(name: string, args: StackImagesArgs, by: "id" | "reference", parent: pulumi.Resource): StackImages {
    const c = args.config;
    const byKey = new Map(args.images.map((i) => [i.key, i]));
    const resourceName = (key: string) => key.replace(/^images\./, "").replace(/^services\.([^.]+)\.(image|build|release)$/, "$1");
    const built = Object.entries(c.services).flatMap(([serviceName, s]) =>
        s.build === undefined
            ? []
            : [
                  [
                      `services.${serviceName}.build`,
                      {
                          // Not the release tag: a release of this version made without a registry lives under that one.
                          tag: `${args.project}/${serviceName}:${c.version}-dev`,
                          build: {
                              context: path.resolve(args.rootDirectory, s.build.context),
                              dockerfile: s.build.dockerfile,
                              args: { ...s.build.args, BASE_IMAGE: byKey.get("images.appBase")?.ref ?? c.images.appBase, APP_VERSION: c.version },
                          },
                          // Built inside the service's component before images had one of their own.
                          aliases: [{ name: `${name}-${serviceName}-image`, parent: pulumi.createUrn(`${name}-${serviceName}`, "ade:platform:Service", parent) }],
                      },
                  ] as const,
              ],
    );
    const images = new Images(
        `${name}-images`,
        {
            pulled: Object.fromEntries(args.images.map((i) => [resourceName(i.key), { ref: i.ref }])),
            built: Object.fromEntries(built.map(([key, image]) => [resourceName(key), image])),
        },
        { parent },
    );
    const chosen = by === "id" ? images.ids : images.refs;
    return {
        has: (key) => chosen[resourceName(key)] !== undefined,
        image: (key) => {
            const image = chosen[resourceName(key)];
            if (image === undefined) throw new Error(`no image for ${key}: the config names none (a bug in Platform)`);
            return image;
        },
    };
}
