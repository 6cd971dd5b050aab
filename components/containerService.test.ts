import { expect } from "chai";
import { dockerCpus, goDuration } from "./containerService";

describe("values written the way the docker provider reads them back", () => {
    const cpus: [number, string][] = [
        [1, "1.0"],
        [2, "2.0"],
        [0.5, "0.5"],
        [0.25, "0.25"],
        [1.5, "1.5"],
    ];
    for (const [value, written] of cpus) {
        it(`writes a CPU limit of ${value} as "${written}"`, () => expect(dockerCpus(value)).to.equal(written));
    }

    const durations: [number, string][] = [
        [1, "1s"],
        [59, "59s"],
        [60, "1m0s"],
        [90, "1m30s"],
    ];
    for (const [seconds, written] of durations) {
        it(`writes ${seconds} s as Go does: "${written}"`, () => expect(goDuration(seconds)).to.equal(written));
    }

    it("refuses a healthcheck timing that is not a whole number of seconds", () => {
        expect(() => goDuration(0.5)).to.throw(RangeError, "healthcheck timings are whole positive seconds (got 0.5)");
    });
});
