import { expect } from "chai";
import { Report } from "./report";
import { README_END, README_START, replaceReadmeBlock, summaryMarkdown } from "./summary";

describe("benchmark summary", () => {
    const quiet = () => {
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = () => true;
        return () => (process.stdout.write = write);
    };

    it("marks each target met or missed from the run's medians, and says what was not measured", () => {
        const restore = quiet();
        const report = new Report();
        try {
            report.record("cold up (development)", "ratio pulumi / compose", [1.4, 1.2, 1.25], { unit: "x" });
            report.record("program scale (mocks)", "200 services", [3.0, 3.0, 3.1]);
            report.record("swarm runtime (production, 2 nodes)", "failed requests during the update", [0, 2, 0], { unit: "requests" });
            report.record("version update (development, containers)", "failed requests during the update", [22, 35, 28], { unit: "requests" });
        } finally {
            restore();
        }
        const text = summaryMarkdown(report, { date: "2026-01-01T00:00:00.000Z", runs: 3, machine: "2 x cpu", stacks: ["development"] });
        expect(text).to.include("| cold up of development / docker-compose | <= 1.3x | 1.25x | yes |");
        expect(text).to.include("| 200 services with mocks | < 3 s | 3.00 s | **no** |");
        expect(text).to.include("| unit suite (npm test) | < 5 s | not measured | not measured |");
        expect(text).to.include("| failed requests during a version update on the swarm runtime (50 requests/s) | <= 0 requests | 0 requests | yes |");
        expect(text).to.include("| failed requests during it (1.5 s of them at 20 requests/s) | <= 30 requests | 28 requests | yes |");
        expect(text).to.include("every row, min/max and the timelines in [bench/RESULTS.md](bench/RESULTS.md)");
    });

    it("names the results file of a partial run", () => {
        const text = summaryMarkdown(new Report(), { date: "2026-01-01T00:00:00.000Z", runs: 3, machine: "2 x cpu", stacks: [], results: "bench/SWARM.md" });
        expect(text).to.include("every row, min/max and the timelines in [bench/SWARM.md](bench/SWARM.md)");
    });

    it("replaces only the README's block between the markers", () => {
        const readme = `intro\n${README_START}\nold\n${README_END}\nafter\n`;
        expect(replaceReadmeBlock(readme, "new\n")).to.equal(`intro\n${README_START}\nnew\n${README_END}\nafter\n`);
    });

    it("refuses a README without the markers, naming them", () => {
        expect(() => replaceReadmeBlock("no markers", "x")).to.throw(`README.md has no block between "${README_START}" and "${README_END}"`);
    });
});
