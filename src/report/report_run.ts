import type { ResultJson } from "../storage/result_json.ts";

/** One run of an experiment in a report. */
export interface ReportRun {
  /** The run's result, as `Result.toJSON()` gives it or a stored `run.json` holds it. */
  readonly result: ResultJson;
  /** Its stored version, when it was stored. */
  readonly version?: number;
}
