import { expect } from "chai";
import { parse } from "yaml";
import { exporterPassword, postgresExporterQueries } from "./postgresExporter";

describe("PostgreSQL exporter", () => {
    it("reads the database container's working set from cgroup v1 or v2 as one gauge", () => {
        const queries = parse(postgresExporterQueries()) as Record<string, { query: string; master: boolean; metrics: Record<string, { usage: string }>[] }>;
        expect(Object.keys(queries)).to.deep.equal(["pg_container_memory"]);
        const q = queries["pg_container_memory"];
        expect(q?.master).to.equal(true);
        expect(q?.metrics.map((m) => Object.entries(m).map(([name, v]) => [name, v.usage]))).to.deep.equal([[["working_set_bytes", "GAUGE"]]]);
        expect(q?.query).to.include("/sys/fs/cgroup/memory/memory.usage_in_bytes").and.include("/sys/fs/cgroup/memory.current").and.include("total_inactive_file");
    });

    const passwords: [string, boolean][] = [
        ["s3cret-with:punctuation/and#more", true],
        ["two words", false],
        ["tab\there", false],
        ["trailing-newline\n", false],
    ];
    for (const [password, usable] of passwords) {
        it(`${usable ? "accepts" : "refuses, without showing it,"} the password ${JSON.stringify(password)}`, () => {
            if (usable) {
                expect(exporterPassword(password)).to.equal(password);
                return;
            }
            expect(() => exporterPassword(password)).to.throw(
                "databasePassword: contains whitespace, which the PostgreSQL exporter cannot use (it would log the password): choose one without (pulumi config set --secret databasePassword <password>)",
            );
        });
    }
});
