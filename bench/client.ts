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
    const loop = (async () => {
        while (!stopped && Date.now() < end) {
            const tick = Date.now();
            sent++;
            let ok = false;
            try {
                const response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
                await response.arrayBuffer();
                ok = response.status === 200;
            } catch {
                ok = false; // refused, reset or timed out: the user saw an error
            }
            if (ok) {
                if (outageStart !== undefined) longest = Math.max(longest, (Date.now() - outageStart) / 1000);
                outageStart = undefined;
            } else {
                failed++;
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
            return { sent, failed, longestOutageSeconds: longest };
        },
    };
}
