/** Severity of a log record; `"silent"` as a threshold drops everything. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** One structured log record, as handed to a {@linkcode LogSink}. */
export interface LogRecord {
  /** Severity. */
  readonly level: Exclude<LogLevel, "silent">;
  /** Human-readable message. */
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** Structured fields (replicate, condition, step, ...). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Receives every record at or above the logger's threshold. */
export type LogSink = (record: LogRecord) => void;

/**
 * A structured logger. Experiment code gets one as `ctx.logger`, already
 * tagged with the replicate and condition.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type LogRecord } from "@crystallize/deno";
 *
 * const records: LogRecord[] = [];
 * const log = createLogger({ level: "info", sink: (r) => records.push(r) });
 * log.info("loaded", { rows: 10 });
 * log.debug("hidden"); // below the threshold
 * assert.equal(records.length, 1);
 * assert.equal(records[0].message, "loaded");
 * ```
 */
export interface Logger {
  /** The threshold: records below it are dropped. */
  readonly level: LogLevel;
  /** Logs at debug level. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Logs at info level. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Logs at warn level. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Logs at error level. */
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every record it writes. */
  child(fields: Record<string, unknown>): Logger;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Threshold; default `"warn"`, so runs are quiet unless asked. */
  level?: LogLevel;
  /** Where records go; default {@linkcode textSink} (standard error). */
  sink?: LogSink;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * Writes records to standard error as one line each:
 * `[crystallize] WARN message key=value`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textSink } from "@crystallize/deno";
 *
 * // Prints `info hello n=1` style text to stderr; returns nothing.
 * assert.equal(textSink({ level: "info", message: "hello", time: Date.now(), fields: { n: 1 } }), undefined);
 * ```
 */
export function textSink(record: LogRecord): void {
  let line = `[crystallize] ${record.level.toUpperCase()} ${record.message}`;
  for (const [key, value] of Object.entries(record.fields)) {
    line += ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;
  }
  console.error(line);
}

/**
 * Writes records to standard error as JSON lines, for log collectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonSink } from "@crystallize/deno";
 *
 * // Prints one JSON line to stderr; returns nothing.
 * assert.equal(jsonSink({ level: "info", message: "hello", time: Date.now(), fields: {} }), undefined);
 * ```
 */
export function jsonSink(record: LogRecord): void {
  console.error(
    JSON.stringify({
      ...record.fields,
      level: record.level,
      message: record.message,
      time: record.time,
    }),
  );
}

/**
 * Creates a {@linkcode Logger}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type LogRecord } from "@crystallize/deno";
 *
 * const records: LogRecord[] = [];
 * const log = createLogger({ level: "debug", sink: (r) => records.push(r) });
 * log.child({ replicate: 3 }).debug("starting");
 * assert.equal(records[0].fields.replicate, 3);
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return makeLogger(options.level ?? "warn", options.sink ?? textSink, {});
}

function makeLogger(level: LogLevel, sink: LogSink, base: Record<string, unknown>): Logger {
  const threshold = RANK[level];
  const write = (
    lvl: Exclude<LogLevel, "silent">,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    if (RANK[lvl] < threshold) return;
    sink({ level: lvl, message, time: Date.now(), fields: fields ? { ...base, ...fields } : base });
  };
  return {
    level,
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => makeLogger(level, sink, { ...base, ...fields }),
  };
}
