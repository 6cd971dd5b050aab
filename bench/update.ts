/**
 * An application version update of the running development stack (`config
 * set version` + `pulumi up`, which rebuilds the image and replaces the
 * container): time to all-healthy, and what a client sending a steady request
 * stream to the application saw meanwhile.
 */
import { Harness } from "../tests/e2e/harness";
import { startRequestStream } from "./client";
import { recordStack, serviceContainers, up } from "./harnessOps";
import { waitAllHealthy } from "./health";
import { sleep } from "./proc";
import { Report } from "./report";

const SECTION = "version update (development, containers)";
const INTERVAL_MS = 50;

export async function versionUpdate(h: Harness, runs: number, report: Report): Promise<void> {
    const names = serviceContainers(await recordStack(h, "development"));
    const url = `http://127.0.0.1:${h.port("development", 18080)}/health`;
    const times: number[] = [];
    const failed: number[] = [];
    const sent: number[] = [];
    const outages: number[] = [];
    const kinds: Record<string, number> = {};
    for (let run = 0; run < runs; run++) {
        // Above any release the noop section made (ade release moves development to its version).
        h.setConfig("development", "version", `0.9.${run + 1}`);
        const stream = startRequestStream(url, { intervalMs: INTERVAL_MS, timeoutMs: 1000, maxSeconds: 600 });
        try {
            await sleep(1000); // a baseline: the stream must be answered before the update starts
            const started = process.hrtime.bigint();
            await up(h, "development");
            await waitAllHealthy(names);
            times.push(Number(process.hrtime.bigint() - started) / 1e9);
            await sleep(1000);
        } finally {
            const seen = await stream.stop();
            failed.push(seen.failed);
            sent.push(seen.sent);
            outages.push(seen.longestOutageSeconds);
            for (const [kind, count] of Object.entries(seen.failures)) kinds[kind] = (kinds[kind] ?? 0) + count;
        }
        process.stdout.write(`[bench] update run ${run + 1}/${runs}: ${times[run]?.toFixed(1)} s, ${failed[run]} of ${sent[run]} requests failed ${JSON.stringify(kinds)}\n`);
    }
    report.record(SECTION, "config set version + pulumi up -> all healthy", times, { note: "image rebuilt for the new version, container replaced" });
    report.record(SECTION, "failed requests during the update", failed, {
        unit: "requests",
        note: `GET /health every ${INTERVAL_MS} ms, 1 s timeout; sent per run: ${sent.join(", ")}; failures over all runs: ${describeKinds(kinds)}`,
    });
    report.record(SECTION, "longest outage seen by the client", outages, { note: "first failed request to the next answered one" });
}

/** `ECONNRESET 12, TimeoutError 3`, most frequent first; `none` when there were none. */
function describeKinds(kinds: Record<string, number>): string {
    const entries = Object.entries(kinds).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    return entries.length === 0 ? "none" : entries.map(([kind, count]) => `${kind} ${count}`).join(", ");
}
