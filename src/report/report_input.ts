/**
 * What a report is made of, as plain data: the runs of each experiment (one
 * version, or every stored version), and for a graph the dependencies
 * between them. The CLI reads these from stored runs; `Result.toHtml()`
 * passes its own.
 * @module
 */
import type { RunComparison } from "./compare.ts";
import type { ReportRun } from "./report_run.ts";

/** One experiment in a report: its runs, oldest first (the last is the one reported in full). */
export interface ReportExperiment {
  /** Experiment name. */
  readonly name: string;
  /** Its runs: one, or every stored version when the report includes them (`treatment (vN)`). */
  readonly runs: readonly ReportRun[];
}

/** A dependency of a graph: `to` reads `from`'s output `artifact`. */
export interface ReportEdge {
  /** The producing experiment. */
  readonly from: string;
  /** The reading experiment. */
  readonly to: string;
  /** The output read. */
  readonly artifact: string;
}

/** Everything one HTML report shows. */
export interface ReportInput {
  /** Title of the page. */
  readonly title: string;
  /** The experiments, in the order shown (a graph's in run order). */
  readonly experiments: readonly ReportExperiment[];
  /** For a graph: the experiments and who reads whom, drawn as a diagram. */
  readonly graph?: { readonly nodes: readonly string[]; readonly edges: readonly ReportEdge[] };
  /** A comparison of two runs (`crystallize compare --out`). */
  readonly comparison?: RunComparison;
}
