/**
 * A steady stream of requests to the application, as a user's client would
 * send during an update: one GET every `intervalMs` on loopback, each with a
 * timeout, stopping when told or after `maxSeconds` whatever happens.
 */
import { sleep } from "./proc";

export interface StreamResult {
    readonly sent: number;
    readonly failed: number;
    /** Longest run of consecutive failures, in seconds from its first failure to the next success. */
    readonly longestOutageSeconds: number;
    /** Failed requests by what the client saw: `status 503`, `TimeoutError`, `ECONNRESET`… */
    readonly failures: Readonly<Record<string, number>>;
}

export interface RequestStream {
    stop(): Promise<StreamResult>;
}

export function startRequestStream(url: string, options: { intervalMs?: number; timeoutMs?: number; maxSeconds?: number } = {}): RequestStream {
    const interval = options.intervalMs ?? 50;
    const timeout = options.timeoutMs ?? 1000;
    const end = Date.now() + (options.maxSeconds ?? 600) * 1000;
    let stopped = false;
    let sent = 0;
    let failed = 0;
    let outageStart: number | undefined;
    let longest = 0;
    const failures: Record<string, number> = {};
    const loop = (async () => {
        while (!stopped && Date.now() < end) {
            const tick = Date.now();
            sent++;
            let failure: string | undefined;
            try {
                const response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
                await response.arrayBuffer();
                if (response.status !== 200) failure = `status ${response.status}`;
            } catch (error) {
                failure = failureKind(error); // refused, reset or timed out: the user saw an error
            }
            if (failure === undefined) {
                if (outageStart !== undefined) longest = Math.max(longest, (Date.now() - outageStart) / 1000);
                outageStart = undefined;
            } else {
                failed++;
                failures[failure] = (failures[failure] ?? 0) + 1;
                outageStart ??= tick;
            }
            await sleep(Math.max(0, interval - (Date.now() - tick)));
        }
    })();
    return {
        async stop() {
            stopped = true;
            await loop;
            if (outageStart !== undefined) longest = Math.max(longest, (Date.now() - outageStart) / 1000);
            return { sent, failed, longestOutageSeconds: longest, failures };
        },
    };
}

/** What a failed fetch met: its cause's code (`ECONNREFUSED`) when it has one, else the error's name (`TimeoutError`). */
function failureKind(error: unknown): string {
    if (!(error instanceof Error)) return String(error);
    const cause = error.cause as { code?: unknown } | undefined;
    return typeof cause?.code === "string" ? cause.code : error.name;
}
