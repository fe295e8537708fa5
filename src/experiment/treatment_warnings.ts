import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import { contextReaders } from "../pipeline/context_readers.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { Treatment } from "../run/treatment.ts";
import {
  type FixWording,
  unreadTreatmentKeys,
  type ValidationWarning,
} from "./unread_treatment_keys.ts";

/**
 * The warnings about an experiment's treatments (values no step or
 * datasource reads, see `unreadTreatmentKeys`), each logged once in the
 * experiment's life however often it runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, Pipeline, pipelineStep, type LogRecord, treatment } from "@crystallize/deno";
 * import { CODE_WORDING } from "./unread_treatment_keys.ts";
 * import { TreatmentWarnings } from "./treatment_warnings.ts";
 *
 * const experiment = {
 *   name: "demo",
 *   datasource: dataSource(() => 1, { name: "one" })(),
 *   pipeline: new Pipeline([pipelineStep((d: number) => d, { name: "id" })()]),
 * };
 * const records: LogRecord[] = [];
 * const logger = createLogger({ sink: (r) => records.push(r) });
 * const warnings = new TreatmentWarnings();
 * const unread = [treatment("t", { nothing_reads_this: 1 })];
 * assert.equal(warnings.of(experiment, unread, CODE_WORDING).length, 1);
 * warnings.log(experiment, unread, CODE_WORDING, logger);
 * warnings.log(experiment, unread, CODE_WORDING, logger);
 * assert.equal(records.length, 1); // once
 * ```
 */
export class TreatmentWarnings {
  /** Messages already logged. */
  readonly #logged = new Set<string>();

  /** The warnings about `treatments`; the experiment must have a datasource and steps. */
  of(
    experiment: {
      readonly datasource: DataSource | undefined;
      readonly pipeline: Pipeline | undefined;
    },
    treatments: readonly Treatment[],
    wording: FixWording,
  ): ValidationWarning[] {
    const readers = [
      ...contextReaders(experiment.datasource!, "datasource"),
      ...experiment.pipeline!.steps.flatMap((s) => contextReaders(s, "step")),
    ];
    return unreadTreatmentKeys(readers, treatments, wording);
  }

  /** Logs the warnings about `treatments` at warn level, those not logged before. */
  log(
    experiment: Parameters<TreatmentWarnings["of"]>[0] & { readonly name: string },
    treatments: readonly Treatment[],
    wording: FixWording,
    logger: Logger,
  ): void {
    for (const w of this.of(experiment, treatments, wording)) {
      if (this.#logged.has(w.message)) continue;
      this.#logged.add(w.message);
      logger.warn(`Experiment '${experiment.name}': ${w.message}`);
    }
  }
}
