/**
 * Release records (`releases.json`, committed with each release): for every
 * release, the image each built service got, by reference and digest. A
 * release is built once; testing and production run exactly these images.
 * Pure: reading and writing the file is the caller's.
 */
import { z } from "zod";
import { compareVersions } from "./semver";

export const RELEASES_FILE = "releases.json";

const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, { error: "must be sha256:<64 hex digits>" });

const recordSchema = z.strictObject({
    version: z.string().min(1),
    date: z.string().regex(/^\d{4}-\d\d-\d\d$/, { error: "must be YYYY-MM-DD" }),
    description: z.string(),
    /** Registry the images were pushed to; absent when they live on the releasing machine only. */
    registry: z.string().optional(),
    images: z.array(
        z.strictObject({
            service: z.string().min(1),
            /** `<registry>/<project>/<service>:<version>`, or `<project>/<service>:<version>` without a registry. */
            ref: z.string().min(1),
            /** The registry's manifest digest; without a registry, the local image id. */
            digest,
        }),
    ),
    /** Set when retention removed the images; the record stays as history. */
    pruned: z.boolean().optional(),
});

const fileSchema = z.strictObject({ releases: z.array(recordSchema) });

export type ReleaseRecord = z.output<typeof recordSchema>;
export type ReleaseImage = ReleaseRecord["images"][number];

export type RecordsRead = { ok: true; records: ReleaseRecord[] } | { ok: false; problem: string };

/** Parses the file's text; an absent file (`undefined`) holds no releases. Records come back newest first. */
export function parseRecords(text: string | undefined): RecordsRead {
    if (text === undefined) return { ok: true, records: [] };
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { ok: false, problem: `${issue?.path.join(".") || "the file"}: ${issue?.message ?? "is invalid"}` };
    }
    return { ok: true, records: newestFirst(parsed.data.releases) };
}

export function serializeRecords(records: readonly ReleaseRecord[]): string {
    return `${JSON.stringify({ releases: newestFirst(records) }, null, 2)}\n`;
}

/** The records with `record` added, replacing an earlier record of the same version. */
export function withRecord(records: readonly ReleaseRecord[], record: ReleaseRecord): ReleaseRecord[] {
    return newestFirst([...records.filter((r) => r.version !== record.version), record]);
}

export function findRecord(records: readonly ReleaseRecord[], version: string): ReleaseRecord | undefined {
    return records.find((r) => r.version === version);
}

/** Where a release puts a service's image: `<registry>/<project>/<service>:<version>`. */
export function releaseImageRef(registry: string | undefined, project: string, service: string, version: string): string {
    const repository = `${project}/${service}`;
    return `${registry === undefined ? "" : `${registry}/`}${repository}:${version}`;
}

/** What a stack runs for a released image: pinned by digest when a registry reports one. */
export function pinnedRef(image: ReleaseImage, registry: string | undefined): string {
    return registry === undefined ? image.ref : `${image.ref}@${image.digest}`;
}

/** What a plan says about the release a stack will run: its images by digest, or that it was never made. */
export function describeRelease(records: readonly ReleaseRecord[], version: string): string {
    const record = findRecord(records, version);
    if (record === undefined) return `release ${version} has no record in ${RELEASES_FILE}: it runs only if its images exist (make it with: ade release <level> "<what changed>")`;
    if (record.pruned === true) return `release ${version}'s images were pruned (${RELEASES_FILE}): it cannot run again`;
    const images = record.images.map((i) => `${i.service} ${pinnedRef(i, record.registry)}`).join(", ");
    return `release ${version} runs the images it was built with: ${images}`;
}

function newestFirst(records: readonly ReleaseRecord[]): ReleaseRecord[] {
    return [...records].sort((a, b) => compareVersions(b.version, a.version));
}
