import type { FrozenContext } from "../context/frozen_context.ts";
import { CrystallizeError } from "../errors.ts";
import { checkArtifactName } from "../context/artifact_name.ts";
import type { ArtifactFormat } from "../storage/run_layout.ts";

/** Options of {@linkcode Artifact}. */
export interface ArtifactOptions {
  /** Storage format; default `"bytes"` (a `Uint8Array`; strings are stored UTF-8). */
  format?: ArtifactFormat;
  /** What the artifact is, for listings. */
  description?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A declared output of an experiment: a file each replicate of each
 * condition may write. Declare it in the experiment's `outputs`; steps
 * write it with `artifact.write(ctx, value)`; an `ArtifactPlugin` persists
 * it under `<root>/<experiment>/v<N>/<replicate>/<condition>/<name>`; another
 * experiment reads it through an `ExperimentInput`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, pipelineStep, standaloneContext } from "@crystallize/deno";
 *
 * export const model = new Artifact("model.json", { format: "json" });
 * export const train = pipelineStep((data: number[], ctx) => {
 *   model.write(ctx, { mean: data.reduce((a, b) => a + b, 0) / data.length });
 *   return data;
 * }, { name: "train" });
 *
 * const ctx = standaloneContext();
 * train().run([1, 3], ctx);
 * assert.deepEqual([...ctx.artifacts].map((a) => a.name), ["model.json"]);
 * ```
 */
export class Artifact<T = unknown> {
  /** File name of the artifact. */
  readonly name: string;
  /** Storage format. */
  readonly format: ArtifactFormat;
  /** Description, if given. */
  readonly description: string | undefined;

  /** Declares an artifact; a name that is not a plain file name throws. */
  constructor(name: string, options: ArtifactOptions = {}) {
    checkArtifactName(name);
    this.name = name;
    this.format = options.format ?? "bytes";
    this.description = options.description;
  }

  /** Writes `value` as this replicate's copy of the artifact. */
  write(ctx: FrozenContext, value: T): void {
    ctx.artifacts.add(this.name, this.encode(value));
  }

  /** The bytes stored for `value`. */
  encode(value: T): Uint8Array {
    if (this.format === "json") return encoder.encode(JSON.stringify(value));
    if (typeof value === "string") return encoder.encode(value);
    if (value instanceof Uint8Array) return value;
    throw new CrystallizeError(
      `Artifact '${this.name}' (format "${this.format}") needs a string or Uint8Array, got ${typeof value}; ` +
        'declare it with { format: "json" } to store other values',
    );
  }

  /** The value stored as `bytes`. */
  decode(bytes: Uint8Array): T {
    if (this.format === "bytes") return bytes as T;
    const text = decoder.decode(bytes);
    return (this.format === "json" ? JSON.parse(text) : text) as T;
  }
}
