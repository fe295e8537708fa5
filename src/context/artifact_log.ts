import { checkArtifactName } from "./artifact_name.ts";
import { ContextMutationError } from "./context_mutation_error.ts";

/** One artifact a step produced during a replicate. */
export interface ArtifactRecord {
  /** The artifact's name (a file name once persisted). */
  readonly name: string;
  /** Its content. Strings are stored UTF-8 encoded. */
  readonly data: Uint8Array;
  /** The step that wrote it (empty outside a pipeline). */
  readonly step: string;
}

const encoder = new TextEncoder();

/**
 * The artifacts written during one replicate of one condition
 * (`ctx.artifacts`). Each name may be written once per replicate and
 * condition; persistence plugins read the records after each step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactLog } from "@crystallize/deno";
 *
 * const log = new ArtifactLog();
 * log.add("model.json", JSON.stringify({ w: [1, 2] }));
 * assert.deepEqual([...log].map((a) => a.name), ["model.json"]);
 * ```
 */
export class ArtifactLog implements Iterable<ArtifactRecord> {
  readonly #records: ArtifactRecord[] = [];
  readonly #currentStep: () => string;

  /** Creates a log; `currentStep` names the step each record is attributed to. */
  constructor(currentStep: () => string = () => "") {
    this.#currentStep = currentStep;
  }

  /** Records an artifact; a name already written in this replicate throws {@linkcode ContextMutationError}. */
  add(name: string, data: Uint8Array | string): void {
    checkArtifactName(name);
    if (this.#records.some((r) => r.name === name)) {
      throw new ContextMutationError(
        `Artifact '${name}' was already written in this replicate (by step '${
          this.#records.find((r) => r.name === name)?.step
        }'); give each artifact a distinct name`,
      );
    }
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    this.#records.push({ name, data: bytes, step: this.#currentStep() });
  }

  /** The records from index `from` on, in write order. */
  since(from: number): readonly ArtifactRecord[] {
    return this.#records.slice(from);
  }

  /** How many artifacts were written. */
  get size(): number {
    return this.#records.length;
  }

  /** Iterates the records in write order. */
  [Symbol.iterator](): Iterator<ArtifactRecord> {
    return this.#records[Symbol.iterator]();
  }
}
