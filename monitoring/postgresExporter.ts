/**
 * The queries the PostgreSQL exporter runs beyond its built-in ones.
 *
 * No cAdvisor runs here, and PostgreSQL is many processes, so no process
 * metric says how close its container is to its memory limit. The database
 * server can read its own container's cgroup, though: this query reports the
 * container's working set (usage minus inactive page cache, the figure Docker
 * and the kernel's OOM killer act on), from cgroup v1 or v2, whichever the
 * host has. It needs a role allowed `pg_read_file` (the database owner the
 * image creates is a superuser).
 */
import { stringify } from "yaml";

const V1 = "/sys/fs/cgroup/memory";
const V2 = "/sys/fs/cgroup";

const WORKING_SET_SQL = [
    "SELECT CASE",
    `  WHEN (pg_stat_file('${V1}/memory.usage_in_bytes', true)).size IS NOT NULL THEN`,
    `    trim(pg_read_file('${V1}/memory.usage_in_bytes'))::bigint`,
    `    - coalesce(substring(pg_read_file('${V1}/memory.stat') from '(?:^|\\n)total_inactive_file (\\d+)')::bigint, 0)`,
    `  WHEN (pg_stat_file('${V2}/memory.current', true)).size IS NOT NULL THEN`,
    `    trim(pg_read_file('${V2}/memory.current'))::bigint`,
    `    - coalesce(substring(pg_read_file('${V2}/memory.stat') from '(?:^|\\n)inactive_file (\\d+)')::bigint, 0)`,
    "END AS working_set_bytes",
].join("\n");

/** The exporter's extra query file (`--extend.query-path`): metric `pg_container_memory_working_set_bytes`. */
export function postgresExporterQueries(): string {
    return stringify({
        pg_container_memory: {
            query: WORKING_SET_SQL,
            master: true,
            metrics: [{ working_set_bytes: { usage: "GAUGE", description: "Memory the database container uses: cgroup usage minus inactive page cache" } }],
        },
    });
}

/**
 * The database password, when the exporter can use it. postgres-exporter 0.11
 * cannot parse a password with whitespace in its connection string, and logs
 * that string, password and all, when it fails: such a password stops the
 * update instead, with a message that does not show it.
 */
export function exporterPassword(password: string): string {
    if (/\s/.test(password)) {
        throw new Error(
            "databasePassword: contains whitespace, which the PostgreSQL exporter cannot use (it would log the password): choose one without (pulumi config set --secret databasePassword <password>)",
        );
    }
    return password;
}
