import { expect } from "chai";
import { dockerCpus, goDuration } from "./containerService";
import { shortDuration } from "./swarmService";

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
        [3600, "1h0m0s"],
        [3661, "1h1m1s"],
    ];
    for (const [seconds, written] of durations) {
        it(`writes ${seconds} s as Go does: "${written}"`, () => expect(goDuration(seconds)).to.equal(written));
    }

    it("refuses a healthcheck timing that is not a whole number of seconds", () => {
        expect(() => goDuration(0.5)).to.throw(RangeError, "healthcheck timings are whole positive seconds (got 0.5)");
    });
});

describe("Swarm durations written the way the provider reads them back", () => {
    const durations: [number, string][] = [
        [13, "13s"],
        [60, "1m"],
        [90, "1m30s"],
        [3600, "1h"],
        [3660, "1h1m"],
    ];
    for (const [seconds, written] of durations) {
        it(`writes ${seconds} s as "${written}"`, () => expect(shortDuration(seconds)).to.equal(written));
    }
});
