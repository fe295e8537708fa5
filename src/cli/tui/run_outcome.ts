import { relativePath } from "../../resolve_path.ts";
import type { SandboxedOutcome } from "../sandboxed_run.ts";

/** How a run from the run screen ended, for its status and notice line. */
export interface RunEnd {
  /** `"finished"` (replicates may have failed), `"failed"` or `"cancelled"`. */
  readonly status: "finished" | "failed" | "cancelled";
  /** One line saying what happened and what to do next. */
  readonly notice: string;
}

/**
 * The status and notice of a finished sandboxed run: cancelled, could not
 * run (the runner's message, first line), an experiment of a graph failed,
 * replicates failed, or finished with where the run is stored. `cwd` makes
 * stored paths relative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEnd } from "./run_outcome.ts";
 *
 * const outcome = { loaded: [], results: [], failures: {}, failure: undefined, cancelled: true, swept: [] };
 * assert.equal(runEnd(outcome, Deno.cwd()).status, "cancelled");
 * // a finished run: "Finished: demo stored in experiments/demo/.crystallize/demo/v0. s shows the summary."
 * ```
 */
export function runEnd(outcome: SandboxedOutcome, cwd: string): RunEnd {
  if (outcome.cancelled) {
    return { status: "cancelled", notice: "Run cancelled: r runs it again." };
  }
  if (outcome.failure !== undefined) {
    return { status: "failed", notice: `Failed: ${firstLine(outcome.failure.message)}` };
  }
  const failed = Object.entries(outcome.failures);
  if (failed.length > 0) {
    const [name, error] = failed[0];
    return {
      status: "failed",
      notice: `Experiment '${name}' failed: ${firstLine(error.message)}`,
    };
  }
  const errors = outcome.results.reduce((n, r) => n + r.errors.length, 0);
  const stored = outcome.results.flatMap((r) =>
    r.outputDir === undefined ? [] : [
      `${r.experiment} in ${relativePath(cwd, r.outputDir) || "."}${
        r.provenance?.stored?.upToDate ? " (nothing to do: it was complete)" : ""
      }`,
    ]
  );
  const where = stored.length > 0 ? ` Stored ${stored.join(", ")}.` : "";
  if (errors > 0) {
    return {
      status: "finished",
      notice: `Finished with ${errors} failed replicate${
        errors === 1 ? "" : "s"
      }.${where} s shows them.`,
    };
  }
  return { status: "finished", notice: `Finished.${where} s shows the summary.` };
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
