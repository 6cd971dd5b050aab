#!/usr/bin/env node
// @ts-check
/**
 * Health verification run by the platform's `@pulumi/command` step after every
 * update: probes each service's HTTP health endpoint until it answers 200 or the
 * deadline passes. Plain JavaScript so the command provider can run it with any
 * Node.js >= 18 and no build step.
 *
 * Input (environment): ADE_HEALTH_TARGETS = JSON [{ "name": "api", "url": "http://127.0.0.1:8080/health" }],
 * ADE_HEALTH_DEADLINE_SECONDS, ADE_HEALTH_INTERVAL_SECONDS, ADE_HEALTH_REQUEST_TIMEOUT_SECONDS.
 */
"use strict";

/**
 * @typedef {{ name: string, url: string }} Target
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
 * @param {string} url
 * @param {number} timeoutSeconds
 * @returns {Promise<{ ok: boolean, answer: string }>}
 */
async function probeOnce(url, timeoutSeconds) {
    try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
        const body = clip(await response.text());
        return { ok: response.status === 200, answer: `HTTP ${response.status}${body ? `: ${body}` : ""}` };
    } catch (error) {
        const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause;
        const reason = cause?.code ?? (error instanceof Error ? error.message : String(error));
        return { ok: false, answer: `no answer (${reason})` };
    }
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
        const { ok, answer } = await probeOnce(target.url, options.requestTimeoutSeconds);
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
