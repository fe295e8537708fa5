import { createSha256 } from "../sha256.ts";
import { dirname, join } from "../path.ts";
import type { FrozenContext } from "../context/frozen_context.ts";
import type { Logger } from "../context/logger.ts";
import { CrystallizeError, errorMessage } from "../errors.ts";
import type { ReplicateOutcome } from "./outcome.ts";
import { atomicWriteSync, type FileWriter } from "./atomic_write.ts";
import { type FileDigest, fileDigest } from "./file_digest.ts";
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

/**
 * The `step` a failed replicate records when its artifacts could not be
 * written (an {@linkcode ArtifactWriteError}): retention keeps every version
 * after such a run, since this one lacks files.
 */
export const ARTIFACT_WRITER = "ArtifactPlugin";

const encoder = new TextEncoder();

/**
 * Records a run while its replicates execute, in whichever process runs
 * them: each condition's artifacts (atomically, with metadata) when it
 * succeeds, and one line per replicate in `outcomes.jsonl` when it finishes
 * (buffered: see {@linkcode RunRecorder.appendOutcome}), so a killed run can
 * be resumed from what reached the disk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, standaloneContext } from "@crystallize/deno";
 * import { readOutcomes } from "./stored_run.ts";
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
 * recorder.flush(); // lines are buffered: written whole, at the latest when the run ends
 * assert.deepEqual(readOutcomes(dir).get("baseline")?.get(0)?.metrics, { loss: [0.5] });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class RunRecorder {
  /** The settings it records with. */
  readonly settings: RecordSettings;
  readonly #logger: Pick<Logger, "warn">;
  readonly #writeFile: FileWriter;
  readonly #appendFile: (path: string, bytes: Uint8Array) => void;
  #outcomeWarned = false;
  /** Outcome lines not yet in the file, and how many. */
  #pending = "";
  #pendingLines = 0;
  /** Work the pending lines stand for: the sum of their conditions' durations, ms. */
  #pendingMs = 0;

  /**
   * Creates a recorder; `writeFile` replaces the artifact writer and
   * `appendFile` the outcome appender (tests simulate failing disks with them).
   */
  constructor(
    settings: RecordSettings,
    logger: Pick<Logger, "warn">,
    writeFile?: FileWriter,
    appendFile?: (path: string, bytes: Uint8Array) => void,
  ) {
    this.settings = settings;
    this.#logger = logger;
    this.#writeFile = writeFile ?? Deno.writeFileSync;
    this.#appendFile = appendFile ?? appendFileSync;
  }

  /**
   * Writes the artifacts of `ctx` and returns their names; throws
   * {@linkcode ArtifactWriteError} naming the file when one cannot be
   * written (files of earlier runs are never touched).
   */
  writeArtifacts(ctx: FrozenContext): string[] {
    return this.writeArtifactFiles(ctx, ctx.artifacts);
  }

  /**
   * Writes artifacts given as bytes for one replicate and condition (those a
   * queue worker sent back), as {@linkcode writeArtifacts} does.
   */
  writeArtifactFiles(
    at: { readonly replicate: number; readonly condition: string; readonly seed?: number },
    records: Iterable<
      { readonly name: string; readonly step: string; readonly data: Uint8Array }
    >,
  ): string[] {
    const names: string[] = [];
    for (const record of records) {
      const path = artifactPath(this.settings.dir, at.replicate, at.condition, record.name);
      const digest = {
        sha256: createSha256().update(record.data).digest("hex"),
        bytes: record.data.length,
      };
      try {
        atomicWriteSync(path, record.data, this.#writeFile);
        this.#writeMeta(path, at, record.step, digest);
      } catch (error) {
        throw this.#writeError(record, path, error);
      }
      names.push(record.name);
    }
    return names;
  }

  /**
   * Stores an artifact file another process wrote (a queue worker, on a
   * shared output root) as {@linkcode writeArtifactFiles} stores bytes:
   * copied next to its place (the copy is this recorder's own: the writer
   * cannot change it afterwards), checked against `expected` (size and
   * SHA-256, as the writer reported them), then renamed into place with
   * its metadata. A mismatch stores nothing and throws
   * {@linkcode ArtifactWriteError}.
   */
  async adoptArtifactFile(
    at: { readonly replicate: number; readonly condition: string; readonly seed?: number },
    record: { readonly name: string; readonly step: string; readonly source: string },
    expected: FileDigest,
  ): Promise<void> {
    const path = artifactPath(this.settings.dir, at.replicate, at.condition, record.name);
    const temp = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
    const discard = () => Deno.remove(temp).catch(() => {});
    let copied: FileDigest;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.copyFile(record.source, temp);
      copied = await fileDigest(temp);
    } catch (error) {
      await discard();
      throw this.#writeError(record, path, error);
    }
    if (copied.sha256 !== expected.sha256 || copied.bytes !== expected.bytes) {
      await discard();
      throw new ArtifactWriteError(
        `artifact '${record.name}' (step '${record.step}') was not stored at ${path}: its file ` +
          `holds ${copied.bytes} bytes with SHA-256 ${copied.sha256}, not the ${expected.bytes} ` +
          `bytes with SHA-256 ${expected.sha256} its writer reported`,
      );
    }
    try {
      await Deno.rename(temp, path);
      this.#writeMeta(path, at, record.step, copied);
    } catch (error) {
      await discard();
      throw this.#writeError(record, path, error);
    }
  }

  #writeMeta(
    path: string,
    at: { readonly replicate: number; readonly condition: string; readonly seed?: number },
    step: string,
    digest: FileDigest,
  ): void {
    const meta: ArtifactMeta = {
      runId: this.settings.runId,
      replicate: at.replicate,
      condition: at.condition,
      seed: at.seed,
      step,
      sha256: digest.sha256,
      bytes: digest.bytes,
      writtenAt: new Date().toISOString(),
    };
    atomicWriteSync(
      `${path}.meta.json`,
      encoder.encode(JSON.stringify(meta, null, 2)),
      this.#writeFile,
    );
  }

  #writeError(
    record: { readonly name: string; readonly step: string },
    path: string,
    error: unknown,
  ) {
    return new ArtifactWriteError(
      `could not write artifact '${record.name}' (step '${record.step}') to ${path}: ${
        errorMessage(error)
      }; check that the output folder is writable and has space, then resume the run`,
      { cause: error },
    );
  }

  /**
   * Appends the replicate's outcome to `outcomes.jsonl`, through a buffer:
   * the lines reach the file once they hold {@linkcode OUTCOME_FLUSH_MS} of
   * work (the conditions' durations: so a slow replicate is written at once)
   * or {@linkcode OUTCOME_FLUSH_CHARS} of text, and at {@linkcode flush}.
   * Only whole lines are written, in order, so a process killed mid-run
   * loses at most those ~200 ms of work, which resume computes again. A
   * failure is logged once, not thrown.
   */
  appendOutcome(outcome: ReplicateOutcome): void {
    if (outcome.conditions.length === 0) return;
    // Concatenated, not joined later: V8 keeps a rope, and encoding it once is cheaper.
    this.#pending += toJsonText(outcome) + "\n";
    this.#pendingLines++;
    for (const c of outcome.conditions) this.#pendingMs += c.durationMs;
    if (this.#pendingMs >= OUTCOME_FLUSH_MS || this.#pending.length >= OUTCOME_FLUSH_CHARS) {
      this.flush();
    }
  }

  /**
   * Writes the buffered outcome lines to `outcomes.jsonl` (one append, so
   * processes recording the same run never interleave within a line) and
   * closes the file. Call it when a run, or a worker's batch, ends.
   */
  flush(): void {
    if (this.#pendingLines === 0) return;
    const text = this.#pending;
    const replicates = this.#pendingLines;
    this.#pending = "";
    this.#pendingLines = 0;
    this.#pendingMs = 0;
    const path = join(this.settings.dir, RUN_FILES.outcomes);
    try {
      this.#appendFile(path, encoder.encode(text));
    } catch (error) {
      if (this.#outcomeWarned) return;
      this.#outcomeWarned = true;
      this.#logger.warn(
        `could not record ${replicates} replicate${replicates === 1 ? "" : "s"} in ${path}: ${
          errorMessage(error)
        }; the run goes on, but a resume will recompute replicates it could not record`,
      );
    }
  }
}

/** Buffered outcome lines are written once they stand for this much work, ms (what a kill loses)... */
export const OUTCOME_FLUSH_MS = 200;

/** ...or once they hold this many characters. */
export const OUTCOME_FLUSH_CHARS = 64 * 1024;

/** Appends `bytes` to the file at `path` (created if missing) in one write where the OS allows. */
function appendFileSync(path: string, bytes: Uint8Array): void {
  using file = Deno.openSync(path, { append: true, create: true });
  for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
}
