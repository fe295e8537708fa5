import { createSha256 } from "../sha256.ts";
import { join } from "node:path";
import type { FrozenContext } from "../context/frozen_context.ts";
import type { Logger } from "../context/logger.ts";
import { CrystallizeError, errorMessage } from "../errors.ts";
import type { ReplicateOutcome } from "../experiment/outcome.ts";
import { atomicWriteSync, type FileWriter } from "./atomic_write.ts";
import { toJsonText } from "./json_values.ts";
import { artifactPath, RUN_FILES } from "./run_layout.ts";

/** Where a run is recorded: plain data, so workers record through the same code. */
export interface RecordSettings {
  /** The run's version folder. */
  readonly dir: string;
  /** The run's id (in artifact metadata). */
  readonly runId: string;
}

/** Metadata stored next to each artifact (`<name>.meta.json`). */
export interface ArtifactMeta {
  /** Id of the run that wrote it. */
  readonly runId: string;
  /** Replicate index. */
  readonly replicate: number;
  /** Condition name. */
  readonly condition: string;
  /** Seed of the replicate. */
  readonly seed: number | undefined;
  /** The step that wrote it. */
  readonly step: string;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly bytes: number;
  /** When it was written (ISO 8601). */
  readonly writtenAt: string;
}

/** Writing an artifact failed; the condition that wrote it is recorded as failed. */
export class ArtifactWriteError extends CrystallizeError {}

const encoder = new TextEncoder();

/**
 * Records a run while its replicates execute, in whichever process runs
 * them: each condition's artifacts (atomically, with metadata) when it
 * succeeds, and one line per replicate in `outcomes.jsonl` when it finishes,
 * so a killed run can be resumed from what reached the disk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, standaloneContext } from "@crystallize/deno";
 * import { readOutcomes } from "../experiment/stored_run.ts";
 * import { RunRecorder } from "./run_recorder.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const recorder = new RunRecorder({ dir, runId: "r1" }, createLogger());
 * const ctx = standaloneContext({}, { replicate: 0 });
 * ctx.artifacts.add("model.json", JSON.stringify({ w: 1 }));
 * assert.deepEqual(recorder.writeArtifacts(ctx), ["model.json"]);
 * assert.equal(await Deno.readTextFile(`${dir}/0/baseline/model.json`), '{"w":1}');
 * const condition = { condition: "baseline", seed: 1, metrics: { loss: [0.5] }, durationMs: 1, stepMs: [1] };
 * recorder.appendOutcome({ replicate: 0, conditions: [condition] });
 * assert.deepEqual(readOutcomes(dir).get("baseline")?.get(0)?.metrics, { loss: [0.5] });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class RunRecorder {
  /** The settings it records with. */
  readonly settings: RecordSettings;
  readonly #logger: Logger;
  readonly #writeFile: FileWriter;
  #outcomeWarned = false;

  /** Creates a recorder; `writeFile` replaces the file writer (tests simulate failing disks with it). */
  constructor(settings: RecordSettings, logger: Logger, writeFile?: FileWriter) {
    this.settings = settings;
    this.#logger = logger;
    this.#writeFile = writeFile ?? Deno.writeFileSync;
  }

  /**
   * Writes the artifacts of `ctx` and returns their names; throws
   * {@linkcode ArtifactWriteError} naming the file when one cannot be
   * written (files of earlier runs are never touched).
   */
  writeArtifacts(ctx: FrozenContext): string[] {
    const names: string[] = [];
    for (const record of ctx.artifacts) {
      const path = artifactPath(this.settings.dir, ctx.replicate, ctx.condition, record.name);
      const meta: ArtifactMeta = {
        runId: this.settings.runId,
        replicate: ctx.replicate,
        condition: ctx.condition,
        seed: ctx.seed,
        step: record.step,
        sha256: createSha256().update(record.data).digest("hex"),
        bytes: record.data.length,
        writtenAt: new Date().toISOString(),
      };
      try {
        atomicWriteSync(path, record.data, this.#writeFile);
        atomicWriteSync(
          `${path}.meta.json`,
          encoder.encode(JSON.stringify(meta, null, 2)),
          this.#writeFile,
        );
      } catch (error) {
        throw new ArtifactWriteError(
          `could not write artifact '${record.name}' (step '${record.step}') to ${path}: ${
            errorMessage(error)
          }; check that the output folder is writable and has space, then resume the run`,
          { cause: error },
        );
      }
      names.push(record.name);
    }
    return names;
  }

  /** Appends the replicate's outcome to `outcomes.jsonl`; a failure is logged once, not thrown. */
  appendOutcome(outcome: ReplicateOutcome): void {
    if (outcome.conditions.length === 0) return;
    try {
      Deno.writeTextFileSync(
        join(this.settings.dir, RUN_FILES.outcomes),
        toJsonText(outcome) + "\n",
        { append: true },
      );
    } catch (error) {
      if (this.#outcomeWarned) return;
      this.#outcomeWarned = true;
      this.#logger.warn(
        `could not record replicate ${outcome.replicate} in ${
          join(this.settings.dir, RUN_FILES.outcomes)
        }: ${
          errorMessage(error)
        }; the run goes on, but a resume will recompute replicates it could not record`,
      );
    }
  }
}
