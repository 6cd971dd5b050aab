// @ts-check
"use strict";

const pino = require("pino");

/**
 * One JSON object per line. Levels are written as names ("info"), not pino's
 * numbers, so log queries read like the LOG_LEVEL setting.
 *
 * @param {{ level: string }} options
 * @param {pino.DestinationStream} [destination] defaults to stdout, written synchronously so nothing is lost on exit
 */
function createLogger(options, destination) {
  return pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: secrets are Secret objects that print "[redacted]",
      // but a raw value put under one of these keys is still censored.
      redact: { paths: ["password", "*.password", "secretKey", "*.secretKey"], censor: "[redacted]" },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

module.exports = { createLogger };
