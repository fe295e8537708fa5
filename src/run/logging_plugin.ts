import {
  createLogger,
  jsonSink,
  type Logger,
  type LogLevel,
  type LogSink,
  textSink,
} from "../context/logger.ts";
import type { ProgressEvent } from "./events.ts";
import { BasePlugin, type ExperimentView, type RunInfo } from "./plugin.ts";
import { type PluginSettings, SETTINGS } from "./setting_plugins.ts";

/** How a run logs: the experiment's `logging` option, or a {@linkcode LoggingPlugin}. */
export interface LoggingPluginOptions {
  /** Threshold; default `"warn"` (failed replicates only), `"info"` adds run summaries. */
  level?: LogLevel;
  /** Log every step of every replicate at debug level (and lower the threshold to debug). */
  verbose?: boolean;
  /** `"text"` (default) or `"json"` lines on standard error. Ignored when `sink` is given. */
  format?: "text" | "json";
  /** Custom destination for records. */
  sink?: LogSink;
}

/**
 * Structured logging for runs: the logger behind `ctx.logger`, run start and
 * finish summaries at info level, failed replicates at warn level and, with
 * `verbose`, one debug record per step. Attached by default at level `"warn"`,
 * so tests and scripts stay quiet unless something fails. The experiment's
 * `logging` option (`Experiment.builder().logging({ level: "info" })`)
 * attaches one with those options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, LoggingPlugin, type LogRecord, pipelineStep } from "@crystallize/deno";
 *
 * const records: LogRecord[] = [];
 * const logging = new LoggingPlugin({ level: "info", sink: (r) => records.push(r) });
 * const experiment = Experiment.builder("logged")
 *   .datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })())
 *   .plugins([logging])
 *   .build();
 * await experiment.run();
 * assert.ok(records.some((r) => r.level === "info")); // a run summary at info
 * ```
 */
export class LoggingPlugin extends BasePlugin {
  /** The logger experiment code and the engine write to. */
  readonly logger: Logger;
  /** Whether each step is logged. */
  readonly verbose: boolean;
  /**
   * Whether failed replicates are logged (at warn level). A front end that
   * reports failures itself, such as the `crystallize` CLI, turns it off so
   * each failure is shown once.
   */
  logFailures = true;

  /** Creates the plugin. */
  constructor(options: LoggingPluginOptions = {}) {
    super();
    this.verbose = options.verbose ?? false;
    const level = this.verbose ? "debug" : options.level ?? "warn";
    this.logger = createLogger({
      level,
      sink: options.sink ?? (options.format === "json" ? jsonSink : textSink),
    });
    this.eventTypes = this.verbose ? undefined : ["error", "run-finished"];
  }

  /**
   * The setting this plugin stands for: the logger of the experiment's runs.
   *
   * @ignore
   */
  get [SETTINGS](): PluginSettings {
    return { logger: this.logger };
  }

  /** Logs at info level what the run is about to do. */
  override beforeRun(experiment: ExperimentView, info: RunInfo): void {
    this.logger.info(`Experiment '${experiment.name}' starting`, {
      runId: info.runId,
      replicates: info.replicates,
      conditions: info.conditions,
      hypotheses: info.hypotheses,
      seed: info.seed,
      strategy: info.strategy,
    });
  }

  /** The event types logged: all when verbose, else failures and the run summary. */
  override readonly eventTypes: readonly ProgressEvent["type"][] | undefined;

  /** Logs failures at warn level, the run summary at info level, and steps at debug level when verbose. */
  override onEvent(event: ProgressEvent): void {
    switch (event.type) {
      case "error":
        if (!this.logFailures) break;
        this.logger.warn(
          `Replicate ${event.replicate} of '${event.condition}' failed in ${event.step}: ${event.message}`,
          {
            replicate: event.replicate,
            condition: event.condition,
            step: event.step,
          },
        );
        break;
      case "step-finished":
        this.logger.debug(
          `Replicate ${event.replicate} of '${event.condition}' finished step ${event.step}`,
          {
            durationMs: event.durationMs,
            cache: event.cache,
          },
        );
        break;
      case "run-finished":
        this.logger.info(
          `Experiment '${event.experiment}' finished in ${(event.durationMs / 1000).toFixed(1)}s`,
          {
            runId: event.runId,
            replicates: event.replicates,
            errors: event.errors,
          },
        );
        break;
    }
  }
}
