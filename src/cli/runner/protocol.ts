/**
 * Messages between the CLI and its sandboxed runner process. They travel as
 * frames (`src/execution/worker/frames.ts`) on the runner's stdin and stdout;
 * everything is plain data, so the CLI never needs to evaluate experiment
 * code to understand them.
 * @module
 */
import type { ConfigFileData } from "../../config/config_reader.ts";
import type { GitInfo } from "../../storage/provenance.ts";
import type { LogRecord } from "../../context/logger.ts";
import type { GraphEvent } from "../../graph/experiment_graph.ts";
import type { ProgressEvent } from "../../run/events.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { ResultJson } from "../../storage/result_json.ts";
import type { ErrorData } from "../../execution/worker/messages.ts";
import type { ExecutorName } from "../../execution/executor_names.ts";
import type { PoolRequest } from "../../execution/worker/worker_launcher.ts";
import type { StepCaching } from "../../pipeline/step_caching.ts";

/** What the runner loads: a folder experiment, or the experiments a module exports. */
export type TargetSpec =
  | {
    readonly kind: "folder";
    readonly folder: string;
    readonly outputDir?: string;
    /** The experiment folders its references resolve among (the sandbox reads only those). */
    readonly upstreams?: readonly string[];
  }
  | {
    readonly kind: "graph-folder";
    readonly folder: string;
    /** The experiment folders of the graph, when not every one below `folder` (a closure). */
    readonly members?: readonly string[];
  }
  | {
    readonly kind: "module";
    /** File URL of the module (the runner's entry imports it statically). */
    readonly url: string;
    /** The export to run (`file.ts#name`); default: the only experiment, or `default`. */
    readonly exportName?: string;
  };

/** How to run, from the command line. Absent fields keep the experiment's own settings. */
export interface RunSettings {
  /** Replicates per condition. */
  readonly replicates?: number;
  /** `"resume"` or `"rerun"`. */
  readonly strategy?: "resume" | "rerun";
  /** Per experiment name, a strategy replacing `strategy` (the terminal UI's lock per experiment). */
  readonly strategies?: Readonly<Record<string, "resume" | "rerun">>;
  /** Per experiment name, its steps' caching (the terminal UI's lock per step). */
  readonly stepCaching?: Readonly<Record<string, StepCaching>>;
  /** `false` with `--no-cache`. */
  readonly cache: boolean;
  /** Treatments to run by name; `[]` runs the baseline only. */
  readonly treatments?: readonly string[];
  /** Master seed. */
  readonly seed?: number;
  /** Replaces the experiment's execution plugin. */
  readonly executor?: ExecutorName;
  /** Workers or concurrency of the executor. */
  readonly workers?: number;
  /** Redis URL of `--executor queue`, and the only one a queue run may use (`--redis`). */
  readonly redis?: string;
  /** Queue name of `--executor queue` (`--queue`). */
  readonly queue?: string;
  /** The folder a queue run shares with its workers (`--shared-output`, absolute), and the only one it may use. */
  readonly sharedOutput?: string;
  /** The git commit provenance records, read by the CLI (the runner may not read `.git`). */
  readonly git?: GitInfo | null;
}

/** Messages from the CLI to the runner. */
export type ToRunner =
  // Answered with one `inspected` message per module, in order (see module_inspection.ts).
  | { readonly type: "inspect"; readonly modules: readonly string[] }
  | {
    readonly type: "run";
    readonly target: TargetSpec;
    readonly settings: RunSettings;
    /** The config files the CLI read for the target: the runner need not parse them again. */
    readonly configs?: readonly ConfigFileData[];
  }
  | { readonly type: "cancel" }
  | { readonly type: "pool-events"; readonly id: number; readonly events: readonly ProgressEvent[] }
  | { readonly type: "pool-log"; readonly id: number; readonly record: LogRecord }
  // Outcomes as they arrive (those of one turn of the CLI's event loop together), then done.
  | { readonly type: "pool-outcomes"; readonly id: number; readonly outcomes: ReplicateOutcome[] }
  | { readonly type: "pool-done"; readonly id: number }
  | { readonly type: "pool-failed"; readonly id: number; readonly error: ErrorData };

/** An experiment a module exports, as `list` shows it. */
export interface ExportedExperiment {
  /** The module's file URL. */
  readonly module: string;
  /** The export's name (`default` for a default export). */
  readonly exportName: string;
  /** `"experiment"` or `"graph"`. */
  readonly kind: "experiment" | "graph";
  /** The experiment's name. */
  readonly name: string;
  /** Its description, if any. */
  readonly description?: string;
  /** Replicates per condition by default. */
  readonly replicates: number;
  /** Names of its treatments. */
  readonly treatments: readonly string[];
}

/** One experiment's finished run. */
export interface RunReport {
  /** The result as JSON (metrics, hypotheses, errors, provenance, artifacts, outputDir). */
  readonly result: ResultJson;
}

/** Why the runner could not run: `"usage"` (bad target or settings, a config error) or `"run"`. */
export interface RunnerFailure extends ErrorData {
  /** `"usage"` maps to exit code 2, `"run"` to 1. */
  readonly kind: "usage" | "run";
  /** The partial or computed result a failure carries (a cancelled run, a hypothesis that failed). */
  readonly result?: ResultJson;
}

/** Messages from the runner to the CLI. */
export type FromRunner =
  | {
    readonly type: "inspected";
    readonly found: readonly ExportedExperiment[];
    readonly failed: readonly { readonly module: string; readonly error: ErrorData }[];
  }
  | { readonly type: "loaded"; readonly experiments: readonly ExportedExperiment[] }
  | { readonly type: "events"; readonly events: readonly GraphEvent[] }
  | {
    readonly type: "pool";
    readonly id: number;
    readonly request: PoolRequest;
    readonly replicates: number;
  }
  | { readonly type: "pool-cancel"; readonly id: number }
  | {
    readonly type: "done";
    readonly runs: readonly RunReport[];
    /** Experiments of a graph that threw or could not run, with why. */
    readonly failures?: Readonly<Record<string, ErrorData>>;
  }
  | { readonly type: "failed"; readonly error: RunnerFailure };
