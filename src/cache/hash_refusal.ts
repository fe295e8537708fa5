/**
 * A value that has no stable hash, found while encoding. The path is put
 * together while the error unwinds (each container adds the segment of the
 * child it was writing), so encoding builds no path string for the values
 * that hash fine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HashRefusal } from "./hash_refusal.ts";
 *
 * const refusal = new HashRefusal((path) => `${path} is a function`).under("[1]").under(".fns");
 * assert.equal(refusal.describe("value" + refusal.path()), "value.fns[1] is a function");
 * ```
 */
export class HashRefusal extends Error {
  /** Path segments, innermost first. */
  readonly #segments: string[] = [];
  readonly #message: (path: string) => string;
  /** For a cycle: how many segments (outermost first) lead to the first repeated object. */
  readonly #keep: number | undefined;

  /** A refusal whose message names the refused value's path; `keep` cuts the path (cycles). */
  constructor(message: (path: string) => string, keep?: number) {
    super("refused");
    this.#message = message;
    this.#keep = keep;
  }

  /** Records that the refused value sits under `segment` of its container. */
  under(segment: string): HashRefusal {
    this.#segments.push(segment);
    return this;
  }

  /** The path below the root, outermost segment first. */
  path(): string {
    const outermostFirst = this.#segments.toReversed();
    return (this.#keep === undefined ? outermostFirst : outermostFirst.slice(0, this.#keep))
      .join("");
  }

  /** The message for the value at `path`. */
  describe(path: string): string {
    return this.#message(path);
  }
}

/**
 * Adds `segment` to a {@linkcode HashRefusal} passing through a container;
 * other errors pass as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HashRefusal, under } from "./hash_refusal.ts";
 *
 * const refusal = under(new HashRefusal((p) => p), () => ".a") as HashRefusal;
 * assert.equal(refusal.path(), ".a");
 * ```
 */
export function under(error: unknown, segment: () => string): unknown {
  return error instanceof HashRefusal ? error.under(segment()) : error;
}

/**
 * The refusal of a cycle found at `value`: its path goes to the first object
 * on the stack that repeats an ancestor (the checks start deep, past the
 * first repetition).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cycle } from "./hash_refusal.ts";
 *
 * const loop = {};
 * const refusal = cycle([loop], loop).under(".self");
 * assert.match(refusal.describe("value" + refusal.path()), /^value\.self refers back/);
 * ```
 */
export function cycle(stack: readonly object[], value: object): HashRefusal {
  const all = [...stack, value];
  let first = all.findIndex((o, i) => all.indexOf(o) < i);
  if (first < 0) first = all.length - 1;
  return new HashRefusal(
    (path) =>
      `${path} refers back to one of its own parents (a cycle); cache keys need tree-shaped data`,
    first,
  );
}
