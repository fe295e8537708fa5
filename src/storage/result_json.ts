import type { MetricValue } from "../context/metrics.ts";
import type { HypothesisResult } from "../verify/hypothesis.ts";
import type { CancelledReplicate, ReplicateError } from "./outcome.ts";
import type { Provenance } from "./provenance.ts";

/** The metrics of one condition: `metrics[name]` holds one value per replicate (per recording). */
export interface TreatmentMetrics {
  /** Values per metric name, in replicate order. */
  readonly metrics: Readonly<Record<string, readonly MetricValue[]>>;
}

/** Metrics of every condition of a run. */
export interface ExperimentMetrics {
  /** The baseline condition. */
  readonly baseline: TreatmentMetrics;
  /** Each treatment, by name. */
  readonly treatments: Readonly<Record<string, TreatmentMetrics>>;
  /** The verified hypotheses (same as `result.hypotheses`). */
  readonly hypotheses: readonly HypothesisResult[];
}

/** The JSON form of a run's result (`Result.toJSON()`, `run.json`'s `result`). */
export interface ResultJson {
  /** Experiment name. */
  readonly experiment: string;
  /** Metrics per condition. */
  readonly metrics: {
    readonly baseline: Readonly<Record<string, readonly MetricValue[]>>;
    readonly treatments: Readonly<Record<string, Readonly<Record<string, readonly MetricValue[]>>>>;
  };
  /** Hypothesis results. */
  readonly hypotheses: readonly HypothesisResult[];
  /** Failed replicates. */
  readonly errors: readonly ReplicateError[];
  /** Replicates a cancel stopped (absent in runs stored before this field existed). */
  readonly cancelled?: readonly CancelledReplicate[];
  /** Provenance. */
  readonly provenance: Provenance;
  /** Stored artifacts: name → condition → file per replicate (`null` where none was written). */
  readonly artifacts: ArtifactIndex;
  /** The run's version folder, when it was stored. */
  readonly outputDir?: string;
}

/** Stored artifact files: `index[name][condition][replicate]` is a path, or `null` when that replicate wrote none. */
export type ArtifactIndex = Readonly<
  Record<string, Readonly<Record<string, readonly (string | null)[]>>>
>;

/** Where a stored run lives. */
export interface StoredRunInfo {
  /** The version folder. */
  readonly dir: string;
  /** Artifact files. */
  readonly artifacts: ArtifactIndex;
}
