import type { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { findRollbackTarget, HistoryEntry, historyTable, nonSecretConfig, parseReleases, Release, RollbackRequest, VerificationRecord } from "./history";
import { readAllHistory } from "../cli/deployment";

const services = (context: string) => JSON.stringify({ api: { build: { context }, hostPort: 18080 } });

function update(startTime: string, message: string, result: string, version: string | undefined, kind = "update"): HistoryEntry {
    const config: Record<string, { value?: string; secret?: boolean }> = {
        "ade:environment": { value: "development", secret: false },
        "ade:services": { value: services("app"), secret: false },
        "ade:databasePassword": { secret: true },
        "other:version": { value: "9.9.9", secret: false },
    };
    if (version !== undefined) config["ade:version"] = { value: version, secret: false };
    return { version: 0, kind, startTime: new Date(startTime), message, result, config };
}

/** Newest first, as `stack.history()` returns it; file backends report version 0. */
const ENTRIES: HistoryEntry[] = [
    update("2026-11-24T10:05:00Z", "rollback to release 1.1.0 (update #2): release 1.2.0 failed", "succeeded", "1.1.0"),
    update("2026-11-24T10:04:00Z", "release 1.2.0: broken health", "failed", "1.2.0"),
    update("2026-11-24T10:03:00Z", "", "succeeded", undefined, "refresh"),
    update("2026-11-24T10:02:00Z", "release 1.1.0: visits counter", "succeeded", "1.1.0"),
    update("2026-11-24T10:01:00Z", "release 1.0.0: first", "succeeded", "1.0.0"),
    update("2026-11-24T10:00:00Z", "manual up", "succeeded", "0.1.0"),
];

const LEDGER: VerificationRecord[] = [
    { update: 2, startTime: "2026-11-24T10:01:00.000Z", version: "1.0.0", verifiedAt: "2026-11-24T10:01:30.000Z" },
    { update: 3, startTime: "2026-11-24T10:02:00.000Z", version: "1.1.0", verifiedAt: "2026-11-24T10:02:30.000Z" },
    // Same position, other time: a ledger left over from another backend must not count.
    { update: 5, startTime: "2026-01-01T00:00:00.000Z", version: "1.2.0", verifiedAt: "2026-01-01T00:00:30.000Z" },
    { update: 6, startTime: "2026-11-24T10:05:00.000Z", version: "1.1.0", verifiedAt: "2026-11-24T10:05:30.000Z" },
];

describe("release history", () => {
    const releases = parseReleases(ENTRIES, "ade", LEDGER);

    it("numbers updates by their position in history, oldest = 1, and lists only updates", () => {
        expect(releases.map((r) => [r.update, r.version, r.result, r.health])).to.deep.equal([
            [6, "1.1.0", "succeeded", "verified"],
            [5, "1.2.0", "failed", "failed"],
            [3, "1.1.0", "succeeded", "verified"],
            [2, "1.0.0", "succeeded", "verified"],
            [1, "0.1.0", "succeeded", "unverified"],
        ]);
    });

    it("reads the version of its own project only", () => {
        const other = parseReleases(ENTRIES, "other", []);
        expect(other.map((r) => r.version)).to.deep.equal(["9.9.9", "9.9.9", "9.9.9", "9.9.9", "9.9.9"]);
    });

    it("reports an update still running as in progress, whatever the ledger says", () => {
        const running = parseReleases([update("2026-11-24T11:00:00Z", "release 2.0.0", "in-progress", "2.0.0")], "ade", [
            { update: 1, startTime: "2026-11-24T11:00:00.000Z", version: "2.0.0", verifiedAt: "2026-11-24T11:00:10.000Z" },
        ]);
        expect(running.map((r) => r.health)).to.deep.equal(["in progress"]);
    });

    const targets: [string, RollbackRequest, number | string][] = [
        ["--to 1.0.0 picks the newest verified update of 1.0.0", { kind: "to", version: "1.0.0" }, 2],
        ["--to 1.1.0 picks the rollback update, the newest verified 1.1.0", { kind: "to", version: "1.1.0" }, 6],
        [
            "--to a release that only failed is refused",
            { kind: "to", version: "1.2.0" },
            'release 1.2.0 never verified healthy on stack "development" (its updates: #5 failed); releases that verified healthy: 1.1.0, 1.0.0',
        ],
        [
            "--to an unverified release is refused",
            { kind: "to", version: "0.1.0" },
            'release 0.1.0 never verified healthy on stack "development" (its updates: #1 unverified); releases that verified healthy: 1.1.0, 1.0.0',
        ],
        [
            "--to an unknown version is refused",
            { kind: "to", version: "3.0.0" },
            'release 3.0.0 never ran on stack "development" (releases that verified healthy: 1.1.0, 1.0.0)',
        ],
        ["--steps 1 goes to the verified release before the running one", { kind: "steps", steps: 1 }, 2],
        [
            "--steps past the oldest verified release is refused",
            { kind: "steps", steps: 2 },
            'stack "development" has 1 earlier verified release(s) before the current 1.1.0, not 2 (releases that verified healthy: 1.1.0, 1.0.0)',
        ],
        ["--steps 0 is refused", { kind: "steps", steps: 0 }, "--steps must be a whole number of releases, 1 or more (got 0)"],
        ["after a failed deploy, what ran before (the newest update that succeeded) is the target", { kind: "previous" }, 6],
        ["an update that succeeded can be put back by its number, verified or not", { kind: "update", update: 1 }, 1],
        ["an update that failed cannot be put back", { kind: "update", update: 5 }, 'update #5 of stack "development" is not an update that succeeded'],
    ];
    for (const [title, request, expected] of targets) {
        it(title, () => {
            const target = findRollbackTarget(releases, request, "development");
            if (typeof expected === "number") {
                expect(target.ok ? target.release.update : target.problem).to.equal(expected);
            } else {
                expect(target.ok ? target.release.update : target.problem).to.equal(expected);
            }
        });
    }

    it("refuses a rollback on an empty history", () => {
        expect(findRollbackTarget([], { kind: "previous" }, "testing")).to.deep.equal({
            ok: false,
            problem: 'stack "testing" has no updates in its history: there is nothing to roll back to (deploy a release first: ade deploy testing)',
        });
    });

    it("puts back what ran before a failed deploy even when nothing ever verified healthy", () => {
        const unverified: Release[] = parseReleases(ENTRIES, "ade", []);
        const previous = findRollbackTarget(unverified, { kind: "previous" }, "development");
        expect(previous.ok ? [previous.release.update, previous.release.health] : previous.problem).to.deep.equal([6, "unverified"]);
        const onlyFailures = parseReleases([update("2026-11-24T10:04:00Z", "release 1.2.0", "failed", "1.2.0")], "ade", []);
        expect(findRollbackTarget(onlyFailures, { kind: "previous" }, "development")).to.deep.equal({
            ok: false,
            problem: 'no update of stack "development" ever succeeded, so nothing ran before to put back',
        });
    });

    it("refuses a rollback to a version that never verified healthy", () => {
        const unverified: Release[] = parseReleases(ENTRIES, "ade", []);
        expect(findRollbackTarget(unverified, { kind: "to", version: "1.0.0" }, "development")).to.deep.equal({
            ok: false,
            problem: 'release 1.0.0 never verified healthy on stack "development" (its updates: #2 unverified); no release of it ever verified healthy',
        });
    });

    it("restores an update's non-secret config of its own project, without secrets", () => {
        const entry = ENTRIES[3];
        if (entry === undefined) throw new Error("fixture");
        expect(nonSecretConfig(entry, "ade")).to.deep.equal({ environment: "development", services: services("app"), version: "1.1.0" });
    });

    it("renders the history as an aligned table, newest first", () => {
        expect(historyTable(releases.slice(0, 2))).to.deep.equal([
            "UPDATE  VERSION  STARTED (UTC)        RESULT     HEALTH    MESSAGE",
            "#6      1.1.0    2026-11-24 10:05:00  succeeded  verified  rollback to release 1.1.0 (update #2): release 1.2.0 failed",
            "#5      1.2.0    2026-11-24 10:04:00  failed     failed    release 1.2.0: broken health",
        ]);
    });
});

describe("reading a stack's whole history", () => {
    it("reads every page, not the default ten", async () => {
        const all = Array.from({ length: 23 }, (_, i) => update(`2026-11-24T10:${String(59 - i).padStart(2, "0")}:00Z`, `release 1.0.${22 - i}`, "succeeded", `1.0.${22 - i}`));
        const pages: [number, number][] = [];
        const stack = {
            history: (pageSize: number, page: number) => {
                pages.push([pageSize, page]);
                return Promise.resolve(all.slice((page - 1) * pageSize, page * pageSize));
            },
        } as unknown as Stack;
        const entries = await readAllHistory(stack, 10);
        expect(entries.map((e) => e.message)).to.deep.equal(all.map((e) => e.message));
        expect(pages).to.deep.equal([
            [10, 1],
            [10, 2],
            [10, 3],
        ]);
        expect(parseReleases(entries, "ade", [])[22]?.update).to.equal(1);
    });
});
