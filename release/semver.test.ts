import { expect } from "chai";
import { bumpVersion, compareVersions, parseReleaseLevel, parseVersion, ReleaseLevel } from "./semver";

describe("semver maths", () => {
    const bumps: [string, ReleaseLevel, string][] = [
        ["0.1.0", "patch", "0.1.1"],
        ["0.1.0", "minor", "0.2.0"],
        ["0.1.0", "major", "1.0.0"],
        ["1.2.3", "patch", "1.2.4"],
        ["1.2.3", "minor", "1.3.0"],
        ["1.2.3", "major", "2.0.0"],
        ["1.9.9", "minor", "1.10.0"],
        ["9.9.9", "patch", "9.9.10"],
        ["1.2.0-rc.1", "patch", "1.2.0"],
        ["1.2.0-rc.1", "minor", "1.2.0"],
        ["1.2.0-rc.1", "major", "2.0.0"],
        ["1.0.0-rc.1", "major", "1.0.0"],
    ];
    for (const [from, level, to] of bumps) {
        it(`bumps ${from} at ${level} to ${to}`, () => {
            expect(bumpVersion(from, level)).to.equal(to);
        });
    }

    const versions: [string, string | undefined][] = [
        ["1.2.3", "1.2.3"],
        ["1.2.3\n", "1.2.3"],
        ["  0.1.0  ", "0.1.0"],
        ["1.2.3-rc.1", "1.2.3-rc.1"],
        ["v1.2.3", undefined],
        ["1.2", undefined],
        ["01.2.3", undefined],
        ["1.2.3.4", undefined],
        // A Docker tag cannot hold "+", so build metadata is no release version.
        ["1.2.3+build.5", undefined],
        ["", undefined],
        ["latest", undefined],
    ];
    for (const [text, expected] of versions) {
        it(`reads ${JSON.stringify(text)} as ${expected === undefined ? "no version" : expected}`, () => {
            expect(parseVersion(text)).to.equal(expected);
        });
    }

    const levels: [string, ReleaseLevel | undefined][] = [
        ["major", "major"],
        ["minor", "minor"],
        ["patch", "patch"],
        ["Patch", undefined],
        ["prerelease", undefined],
        ["", undefined],
    ];
    for (const [text, expected] of levels) {
        it(`reads level ${JSON.stringify(text)} as ${expected ?? "no level"}`, () => {
            expect(parseReleaseLevel(text)).to.equal(expected);
        });
    }

    it("refuses to bump a string that is not canonical semver", () => {
        expect(() => bumpVersion("v1.0.0", "patch")).to.throw(RangeError, 'not a semver version: "v1.0.0"');
    });

    it("orders versions by semver precedence, not by text", () => {
        expect(compareVersions("1.10.0", "1.9.0")).to.equal(1);
        expect(compareVersions("1.0.0-rc.1", "1.0.0")).to.equal(-1);
        expect(compareVersions("2.0.0", "2.0.0")).to.equal(0);
    });
});
