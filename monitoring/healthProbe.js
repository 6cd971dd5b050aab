#!/usr/bin/env node
// @ts-check
/**
 * Health verification run by the platform's `@pulumi/command` step after every
 * update: probes each target until it passes or the deadline passes. An `http`
 * target passes when it answers 200 (liveness and readiness endpoints); a
 * `prometheus-targets` target is Prometheus's /api/v1/targets and passes when
 * every scrape target is up, so the monitoring cannot be blind while the
 * update says healthy. Plain JavaScript so the command provider can run it
 * with any Node.js >= 18 and no build step.
 *
 * Input (environment): ADE_HEALTH_TARGETS = JSON [{ "name": "api", "url": "http://127.0.0.1:8080/health", "kind": "http" }],
 * ADE_HEALTH_DEADLINE_SECONDS, ADE_HEALTH_INTERVAL_SECONDS, ADE_HEALTH_REQUEST_TIMEOUT_SECONDS.
 */
"use strict";

/**
 * @typedef {{ name: string, url: string, kind?: "http" | "prometheus-targets" }} Target
 * @typedef {{ name: string, url: string, healthy: boolean, attempts: number, seconds: number, answer: string }} Result
 * @typedef {{ deadlineSeconds: number, intervalSeconds: number, requestTimeoutSeconds: number }} ProbeOptions
 */

/** @param {string} text */
function clip(text) {
    const oneLine = text.replace(/\s+/g, " ").trim();
    return oneLine.length > 200 ? `${oneLine.slice(0, 200)}...` : oneLine;
}

/**
 * One request; describes what the endpoint answered (or why it did not).
 * A new connection each time: a kept-alive one may be closed by the server
 * between two probes.
 * @param {Target} target
 * @param {number} timeoutSeconds
 * @returns {Promise<{ ok: boolean, answer: string }>}
 */
async function probeOnce(target, timeoutSeconds) {
    try {
        const response = await fetch(target.url, { signal: AbortSignal.timeout(timeoutSeconds * 1000), headers: { connection: "close" } });
        const text = await response.text();
        if (target.kind === "prometheus-targets" && response.status === 200) return scrapeTargetsAnswer(text);
        const body = clip(text);
        return { ok: response.status === 200, answer: `HTTP ${response.status}${body ? `: ${body}` : ""}` };
    } catch (error) {
        const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause;
        const reason = cause?.code ?? (error instanceof Error ? error.message : String(error));
        return { ok: false, answer: `no answer (${reason})` };
    }
}

/**
 * Whether every scrape target of Prometheus is up, from its /api/v1/targets answer.
 * @param {string} text
 * @returns {{ ok: boolean, answer: string }}
 */
function scrapeTargetsAnswer(text) {
    /** @type {{ data?: { activeTargets?: { labels?: Record<string, string>, scrapeUrl?: string, health?: string, lastError?: string }[] } }} */
    let body;
    try {
        body = JSON.parse(text);
    } catch {
        return { ok: false, answer: `not a Prometheus targets answer: ${clip(text)}` };
    }
    const targets = body.data?.activeTargets ?? [];
    if (targets.length === 0) return { ok: false, answer: "Prometheus has no scrape targets yet" };
    const notUp = targets.filter((t) => t.health !== "up");
    if (notUp.length === 0) return { ok: true, answer: `all ${targets.length} scrape targets up` };
    const described = notUp.map((t) => {
        const job = t.labels?.job ?? t.scrapeUrl ?? "?";
        return t.health === "unknown" ? `${job} (not scraped yet)` : `${job} (${clip(t.lastError || t.health || "down")})`;
    });
    return { ok: false, answer: `scrape targets not up: ${described.join(", ")}` };
}

/**
 * Probes one target until it is healthy or the deadline passes.
 * @param {Target} target
 * @param {ProbeOptions} options
 * @returns {Promise<Result>}
 */
async function probeTarget(target, options) {
    const started = Date.now();
    const deadline = started + options.deadlineSeconds * 1000;
    let attempts = 0;
    for (;;) {
        attempts += 1;
        const { ok, answer } = await probeOnce(target, options.requestTimeoutSeconds);
        const seconds = (Date.now() - started) / 1000;
        if (ok || Date.now() + options.intervalSeconds * 1000 > deadline) {
            return { name: target.name, url: target.url, healthy: ok, attempts, seconds, answer };
        }
        await new Promise((resolve) => setTimeout(resolve, options.intervalSeconds * 1000));
    }
}

/**
 * @param {readonly Target[]} targets
 * @param {ProbeOptions} options
 * @returns {Promise<Result[]>}
 */
async function probeAll(targets, options) {
    return Promise.all(targets.map((t) => probeTarget(t, options)));
}

/** @param {readonly Result[]} results */
function report(results) {
    const unhealthy = results.filter((r) => !r.healthy);
    const lines = results.map(
        (r) => `${r.healthy ? "healthy" : "UNHEALTHY"}: ${r.name} ${r.url} answered ${r.answer} (${r.attempts} attempts, ${r.seconds.toFixed(1)}s)`,
    );
    if (unhealthy.length === 0) return { ok: true, text: lines.join("\n") };
    const names = unhealthy.map((r) => `"${r.name}" (${r.answer})`).join(", ");
    return { ok: false, text: [`Health verification failed: ${names}`, ...lines].join("\n") };
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ targets: Target[], options: ProbeOptions }}
 */
function readInput(env) {
    const targets = JSON.parse(env.ADE_HEALTH_TARGETS ?? "[]");
    if (!Array.isArray(targets) || targets.length === 0) throw new Error("ADE_HEALTH_TARGETS must be a non-empty JSON array of {name, url}");
    const number = (/** @type {string} */ name, /** @type {number} */ fallback) => {
        const value = Number(env[name] ?? fallback);
        if (!(value > 0)) throw new Error(`${name} must be a positive number (got ${JSON.stringify(env[name])})`);
        return value;
    };
    return {
        targets,
        options: {
            deadlineSeconds: number("ADE_HEALTH_DEADLINE_SECONDS", 120),
            intervalSeconds: number("ADE_HEALTH_INTERVAL_SECONDS", 2),
            requestTimeoutSeconds: number("ADE_HEALTH_REQUEST_TIMEOUT_SECONDS", 3),
        },
    };
}

async function main() {
    const { targets, options } = readInput(process.env);
    const { ok, text } = report(await probeAll(targets, options));
    if (ok) {
        process.stdout.write(`${text}\n`);
    } else {
        process.stderr.write(`${text}\n`);
        process.exitCode = 1;
    }
}

module.exports = { probeAll, report, readInput };

if (require.main === module) {
    main().catch((error) => {
        process.stderr.write(`Health verification could not run: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
    });
}
