import { CrystallizeError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import type { PipelineStep } from "./step.ts";

/** What a pipeline is made of, for provenance: enough to tell two pipelines apart. */
export interface PipelineSignature {
  /** One entry per step, in order. */
  readonly steps: readonly {
    readonly name: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly codeHash: string;
    readonly cacheable: boolean;
  }[];
  /** SHA-256 over the steps: equal hashes mean the same code with the same explicit params. */
  readonly hash: string;
}

/**
 * An ordered list of steps; the output of each is the input of the next.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pipeline, pipelineStep } from "@crystallize/deno";
 *
 * const double = pipelineStep((d: number[]) => d.map((x) => x * 2), { name: "double" });
 * const pipeline = new Pipeline([double(), double()]);
 * assert.deepEqual(pipeline.signature().steps.map((s) => s.name), ["double", "double"]);
 * ```
 */
export class Pipeline {
  /** The steps, in run order. */
  readonly steps: readonly PipelineStep[];
  #signature: PipelineSignature | undefined;

  /** Creates a pipeline; an empty list throws (a pipeline needs at least one step). */
  constructor(steps: readonly PipelineStep[]) {
    if (steps.length === 0) {
      throw new CrystallizeError(
        "A pipeline needs at least one step; add one with .addStep(step())",
      );
    }
    steps.forEach((step, i) => {
      if (typeof step?.run !== "function") {
        throw new CrystallizeError(
          `Pipeline step #${i + 1} is not a step (got ${
            typeof step === "function" ? "a factory" : typeof step
          }); ` +
            `pass the factory's result, e.g. .addStep(myStep()) not .addStep(myStep)`,
        );
      }
    });
    this.steps = Object.freeze([...steps]);
  }

  /** Names, explicit params and code hashes of the steps, with a hash over all of them. */
  signature(): PipelineSignature {
    if (this.#signature === undefined) {
      const steps = this.steps.map((s) => ({
        name: s.name,
        params: s.params,
        codeHash: s.codeHash,
        cacheable: s.cacheable,
      }));
      this.#signature = { steps, hash: sha256Hex(stableJson(steps)) };
    }
    return this.#signature;
  }
}

/** JSON with object keys sorted, so equal values give equal text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v === undefined || typeof v !== "object" || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]),
    );
  });
}
