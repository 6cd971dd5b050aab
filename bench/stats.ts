/** Summary statistics of repeated measurements; pure. */
export interface Summary {
    readonly runs: number;
    readonly min: number;
    readonly median: number;
    readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
    if (samples.length === 0) throw new Error("no samples to summarize");
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    return { runs: sorted.length, min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}

/** Runs `fn` `runs` times and returns the seconds each run took. */
export async function timeRuns(runs: number, fn: (run: number) => Promise<void> | void): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        await fn(i);
        samples.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    return samples;
}
