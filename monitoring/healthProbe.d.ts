/** Types of monitoring/healthProbe.js, which stays plain JavaScript so the command provider runs it with no build step. */
export interface Target {
    readonly name: string;
    readonly url: string;
    /** `http` (default): passes on HTTP 200; `prometheus-targets`: Prometheus's /api/v1/targets, passes when every target is up. */
    readonly kind?: "http" | "prometheus-targets";
}

export interface Result {
    readonly name: string;
    readonly url: string;
    readonly healthy: boolean;
    readonly attempts: number;
    readonly seconds: number;
    readonly answer: string;
}

export interface ProbeOptions {
    readonly deadlineSeconds: number;
    readonly intervalSeconds: number;
    readonly requestTimeoutSeconds: number;
}

export function probeAll(targets: readonly Target[], options: ProbeOptions): Promise<Result[]>;
export function report(results: readonly Result[]): { ok: boolean; text: string };
export function readInput(env: NodeJS.ProcessEnv): { targets: Target[]; options: ProbeOptions };
