import { expect } from "chai";
import { summarize } from "./stats";

describe("benchmark statistics", () => {
    const table: [number[], { runs: number; min: number; median: number; max: number }][] = [
        [[3], { runs: 1, min: 3, median: 3, max: 3 }],
        [[5, 1, 3], { runs: 3, min: 1, median: 3, max: 5 }],
        [[4, 1, 3, 2], { runs: 4, min: 1, median: 2.5, max: 4 }],
    ];
    for (const [samples, expected] of table) {
        it(`summarizes ${JSON.stringify(samples)}`, () => expect(summarize(samples)).to.deep.equal(expected));
    }
    it("refuses an empty sample", () => expect(() => summarize([])).to.throw("no samples to summarize"));
});
