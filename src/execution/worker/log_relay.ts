/**
 * `ctx.logger` records crossing processes: a worker sends each record it
 * logs, and the process running the pool logs it again with its own
 * logger (the run's `LoggingPlugin`), whichever processes it went through.
 * @module
 */
import type { Logger, LogRecord } from "../../context/logger.ts";

/** The part of a `Logger` records are replayed into. */
export type RecordLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/**
 * Logs a record received from another process with `logger`, at its level.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayRecord } from "./log_relay.ts";
 *
 * const seen: string[] = [];
 * const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => void seen.push(message) };
 * replayRecord(logger, { level: "warn", message: "slow step", time: 0, fields: { step: "fit" } });
 * assert.deepEqual(seen, ["slow step"]);
 * ```
 */
export function replayRecord(logger: RecordLogger, record: LogRecord): void {
  logger[record.level](record.message, { ...record.fields });
}

/**
 * A logger that hands every call to `sink` as a record (to send it on).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LogRecord } from "../../context/logger.ts";
 * import { recordingLogger } from "./log_relay.ts";
 *
 * const records: LogRecord[] = [];
 * recordingLogger((r) => records.push(r)).info("loaded", { modules: 2 });
 * assert.deepEqual([records[0].level, records[0].message, records[0].fields], ["info", "loaded", { modules: 2 }]);
 * ```
 */
export function recordingLogger(sink: (record: LogRecord) => void): RecordLogger {
  const at = (level: LogRecord["level"]) => (message: string, fields = {}) =>
    sink({ level, message, time: Date.now(), fields });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
