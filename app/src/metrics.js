// @ts-check
"use strict";

const client = require("prom-client");

const HTTP_LABELS = ["method", "route", "status"];
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * A registry per server instance rather than prom-client's global one, so
 * tests can run several servers in one process without "already registered".
 *
 * @param {{ version: string }} options
 */
function createMetrics(options) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const requests = new client.Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route template (\"unmatched\" for unknown paths) and status code",
    labelNames: HTTP_LABELS,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "Time from receiving an HTTP request to finishing its response",
    labelNames: HTTP_LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const info = new client.Gauge({
    name: "app_info",
    help: "Always 1; the version label names the running release",
    labelNames: ["version"],
    registers: [registry],
  });
  info.set({ version: options.version }, 1);

  return {
    contentType: registry.contentType,
    /** @returns {Promise<string>} */
    render: () => registry.metrics(),
    /**
     * Label values stay bounded: route is a known template or "unmatched", and
     * an unknown method is "OTHER", so no request can create a new series.
     *
     * @param {{ method: string, route: string, status: number, durationSeconds: number }} sample
     */
    observeRequest(sample) {
      const labels = {
        method: KNOWN_METHODS.has(sample.method) ? sample.method : "OTHER",
        route: sample.route,
        status: String(sample.status),
      };
      requests.inc(labels);
      duration.observe(labels, sample.durationSeconds);
    },
  };
}

/** @typedef {ReturnType<typeof createMetrics>} Metrics */

module.exports = { createMetrics };
