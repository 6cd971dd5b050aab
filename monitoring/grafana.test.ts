import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { promtool, promtoolCheckRules } from "../tests/tools";
import { DASHBOARDS } from "./dashboards";
import { DATASOURCE_UID, dashboardFiles } from "./grafana";

interface Model {
    uid: string;
    title: string;
    panels: { title: string; datasource: { uid: string }; targets: { refId: string; expr: string; legendFormat: string }[] }[];
}

describe("Grafana dashboards", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-dashboards-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const files = dashboardFiles("testing");
    const models = Object.fromEntries(Object.entries(files).map(([file, json]) => [file, JSON.parse(json) as Model]));

    it("provisions the platform, database and host dashboards, each with its own uid and the environment in its title", () => {
        expect(Object.entries(models).map(([file, m]) => [file, m.uid, m.title])).to.deep.equal([
            ["platform.json", "ade-platform", "ADE Platform (testing)"],
            ["database.json", "ade-database", "ADE Database (testing)"],
            ["host.json", "ade-host", "ADE Host (testing)"],
        ]);
    });

    it("queries the provisioned Prometheus datasource in every panel, each query with its own refId", () => {
        for (const m of Object.values(models)) {
            expect(m.panels.length, m.uid).to.be.greaterThan(3);
            for (const p of m.panels) {
                expect(p.datasource.uid, p.title).to.equal(DATASOURCE_UID);
                expect(p.targets.map((t) => t.refId)).to.deep.equal(p.targets.map((_, i) => String.fromCharCode(65 + i)));
            }
        }
    });

    /** Each dashboard's queries, each as a recording rule: promtool parses every expression of a rule file. */
    const queriesByDashboard = Object.entries(DASHBOARDS).map(([name, dashboard]) => [name, dashboard.panels.flatMap((p) => p.queries.map((q) => q.expr))] as const);
    let checked: ReturnType<typeof promtoolCheckRules>;
    before(() => {
        for (const [name, queries] of queriesByDashboard) {
            const rules = { groups: [{ name: `${name}-panels`, rules: queries.map((expr, i) => ({ record: `panel:query_${i}`, expr })) }] };
            fs.writeFileSync(path.join(dir, `${name}.rules.yml`), stringify(rules));
        }
        // One promtool run checks every dashboard (each start costs more than the check); each case below reads its own result.
        checked = promtoolCheckRules(queriesByDashboard.map(([name]) => `${name}.rules.yml`), dir);
    });

    for (const [name, queries] of queriesByDashboard) {
        it(`has every query of the ${name} dashboard parse as PromQL (promtool check rules)`, () => {
            expect(checked.results.get(`${name}.rules.yml`), checked.output).to.include(`SUCCESS: ${queries.length} rules found`);
        });
    }

    it("fails promtool on a query that is not PromQL (the check can fail)", () => {
        fs.writeFileSync(path.join(dir, "bad.rules.yml"), stringify({ groups: [{ name: "bad", rules: [{ record: "panel:bad", expr: "sum by (service) (rate(http_requests_total[1m])" }] }] }));
        expect(() => promtool(["check", "rules", "bad.rules.yml"], dir)).to.throw(/unclosed left parenthesis/);
    });
});
