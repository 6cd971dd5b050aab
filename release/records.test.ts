import { expect } from "chai";
import { describeRelease, parseRecords, pinnedRef, releaseImageRef, ReleaseRecord, serializeRecords, withRecord } from "./records";
import { repoDigest } from "./build";
import { retentionPlan } from "./retention";

const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;

function record(version: string, pruned?: boolean): ReleaseRecord {
    return {
        version,
        date: "2026-11-25",
        description: `release ${version}`,
        registry: "127.0.0.1:5000",
        images: [{ service: "api", ref: releaseImageRef("127.0.0.1:5000", "ade", "api", version), digest: digest(Number(version.split(".").join(""))) }],
        ...(pruned === undefined ? {} : { pruned }),
    };
}

describe("release records", () => {
    it("names a release's image <registry>/<project>/<service>:<version>, or without the registry", () => {
        expect(releaseImageRef("127.0.0.1:5000", "ade", "api", "1.2.0")).to.equal("127.0.0.1:5000/ade/api:1.2.0");
        expect(releaseImageRef("ghcr.io/acme", "ade", "api", "1.2.0")).to.equal("ghcr.io/acme/ade/api:1.2.0");
        expect(releaseImageRef(undefined, "ade", "api", "1.2.0")).to.equal("ade/api:1.2.0");
    });

    it("pins a released image by digest when it is in a registry, by tag when it is local", () => {
        const image = { service: "api", ref: "127.0.0.1:5000/ade/api:1.2.0", digest: digest(7) };
        expect(pinnedRef(image, "127.0.0.1:5000")).to.equal(`127.0.0.1:5000/ade/api:1.2.0@${digest(7)}`);
        expect(pinnedRef({ ...image, ref: "ade/api:1.2.0" }, undefined)).to.equal("ade/api:1.2.0");
    });

    it("round-trips the file, newest release first, a new record replacing one of the same version", () => {
        const records = withRecord(withRecord([record("1.0.0")], record("1.10.0")), record("1.2.0"));
        expect(records.map((r) => r.version)).to.deep.equal(["1.10.0", "1.2.0", "1.0.0"]);
        const again = parseRecords(serializeRecords(records));
        expect(again).to.deep.equal({ ok: true, records });
        const replaced = withRecord(records, { ...record("1.2.0"), description: "again" });
        expect(replaced.filter((r) => r.version === "1.2.0").map((r) => r.description)).to.deep.equal(["again"]);
    });

    // JSON.parse's own wording differs between Node versions: only our part of that message is asserted.
    const broken: [string, string | undefined, { ok: boolean; problem?: string | RegExp }][] = [
        ["an absent file holds no releases", undefined, { ok: true }],
        ["text that is not JSON", "{", { ok: false, problem: /^not valid JSON \(.+\)$/ }],
        ["a digest that is not sha256", JSON.stringify({ releases: [{ ...record("1.0.0"), images: [{ service: "api", ref: "x", digest: "md5:1" }] }] }), { ok: false, problem: "releases.0.images.0.digest: must be sha256:<64 hex digits>" }],
        ["an unknown key", JSON.stringify({ releases: [{ ...record("1.0.0"), extra: 1 }] }), { ok: false, problem: 'releases.0: Unrecognized key: "extra"' }],
    ];
    for (const [title, text, expected] of broken) {
        it(`reads ${title}`, () => {
            const read = parseRecords(text);
            expect(read.ok).to.equal(expected.ok);
            if (!read.ok && expected.problem instanceof RegExp) expect(read.problem).to.match(expected.problem);
            else if (!read.ok) expect(read.problem).to.equal(expected.problem);
        });
    }
});

describe("release retention", () => {
    const records = ["1.5.0", "1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"].map((v) => record(v));
    const cases: [string, number, [string, string][], string[], string[]][] = [
        ["keeps the newest N and prunes the rest", 3, [], ["1.2.0", "1.1.0", "1.0.0"], []],
        ["never prunes a release a stack runs or could roll back to", 3, [["1.1.0", "production runs it"], ["1.0.0", "testing could roll back to it"]], ["1.2.0"], ["1.1.0", "1.0.0"]],
        ["prunes nothing while there are no more releases than N", 10, [], [], []],
        ["keeps at least the newest release", 1, [], ["1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"], []],
    ];
    for (const [title, keep, inUse, pruned, kept] of cases) {
        it(title, () => {
            const plan = retentionPlan(records, keep, new Map(inUse));
            expect(plan.prune.map((r) => r.version)).to.deep.equal(pruned);
            expect(plan.protected.map((p) => p.version)).to.deep.equal(kept);
        });
    }

    it("does not prune a release twice", () => {
        const plan = retentionPlan([record("2.0.0"), record("1.0.0", true)], 1, new Map());
        expect(plan.prune).to.deep.equal([]);
    });
});

describe("the digest a push recorded", () => {
    const d = digest(3);
    it("picks the digest of the pushed repository from .RepoDigests", () => {
        expect(repoDigest("127.0.0.1:5000/ade/api:1.2.0", JSON.stringify([`other/api@${digest(1)}`, `127.0.0.1:5000/ade/api@${d}`]))).to.equal(d);
    });
    it("understands a registry with a port and no tag", () => {
        expect(repoDigest("127.0.0.1:5000/ade/api", JSON.stringify([`127.0.0.1:5000/ade/api@${d}`]))).to.equal(d);
    });
    it("says so when the registry reported none", () => {
        expect(() => repoDigest("127.0.0.1:5000/ade/api:1.2.0", "null")).to.throw("the registry reported no digest for 127.0.0.1:5000/ade/api:1.2.0 after the push (repo digests: none)");
    });
});

describe("what a promotion plan says about the release", () => {
    const records = [record("1.1.0"), record("1.0.0", true)];
    it("names each image the release runs, pinned by digest", () => {
        expect(describeRelease(records, "1.1.0")).to.equal(`release 1.1.0 runs the images it was built with: api 127.0.0.1:5000/ade/api:1.1.0@${digest(110)}`);
    });
    it("says when a release's images were pruned", () => {
        expect(describeRelease(records, "1.0.0")).to.equal("release 1.0.0's images were pruned (releases.json): it cannot run again");
    });
    it("says when a version was never released", () => {
        expect(describeRelease(records, "2.0.0")).to.equal('release 2.0.0 has no record in releases.json: it runs only if its images exist (make it with: ade release <level> "<what changed>")');
    });
});
