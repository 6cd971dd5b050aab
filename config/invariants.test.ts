import { expect } from "chai";
import { isPinnedImage } from "./invariants";

describe("isPinnedImage", () => {
    const table: [string, boolean][] = [
        ["postgres:15.8", true],
        ["postgres", false],
        ["postgres:latest", false],
        ["registry.local:5000/team/app", false],
        ["registry.local:5000/team/app:1.2.3", true],
        [`app@sha256:${"a".repeat(64)}`, true],
    ];
    for (const [ref, pinned] of table) {
        it(`says ${ref} is ${pinned ? "" : "not "}pinned`, () => expect(isPinnedImage(ref)).to.equal(pinned));
    }
});
