import type { ParamDefaults } from "./declared_params.ts";

/**
 * What one step or datasource can read from the context, as far as can be
 * told before running it: the declared parameters it leaves open (injected
 * from the context), those given explicitly (fixed, never looked up), and
 * its code (for keys it reads itself with `ctx.get("key")`).
 */
export interface ContextReader {
  /** `"step 'add_delta'"`, `"datasource 'numbers'"`. */
  readonly owner: string;
  /** Its name (`"add_delta"`). */
  readonly name: string;
  /** `"step"` or `"datasource"`. */
  readonly kind: "step" | "datasource";
  /** Declared parameters not given explicitly: looked up in the context per replicate. */
  readonly open: readonly string[];
  /** Declared parameters given explicitly, with their values: the context is never asked for them. */
  readonly fixed: Readonly<Record<string, unknown>>;
  /** Source text of its function. */
  readonly code: string;
  /**
   * Whether what it does depends on the condition itself, not only on
   * context values: its code reads `ctx.condition`, or it reads the upstream
   * run's copy of the same condition (an `ExperimentInput`). Then every
   * treatment can change the results, whatever keys it sets.
   */
  readonly readsCondition: boolean;
}

/** `ctx.condition` (or any `.condition`) in code. */
const READS_CONDITION = /\.condition\b/;

const registered = new WeakMap<object, () => readonly ContextReader[]>();

/**
 * Records what `owner` (a step or datasource object) reads, computed on
 * first use. Kept beside the object rather than on it, so the public
 * `PipelineStep` and `DataSource` shapes stay as they are; objects nobody
 * registered are described from their own `run`/`fetch` code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contextReaders, paramReader, registerReaders } from "./context_readers.ts";
 *
 * const fn = (d: number[]) => d;
 * const step = { name: "add_delta", run: fn };
 * registerReaders(step, () => [paramReader("step", "add_delta", { delta: 0 }, {}, fn)]);
 * assert.deepEqual(contextReaders(step, "step")[0].open, ["delta"]);
 * ```
 */
export function registerReaders(owner: object, readers: () => readonly ContextReader[]): void {
  let cached: readonly ContextReader[] | undefined;
  registered.set(owner, () => cached ??= readers());
}

/**
 * What a step or datasource reads from the context: what was registered for
 * it, else a reader with no declared parameters whose code is its
 * `run`/`fetch` method (a hand-written object reads the context itself).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep } from "@crystallize/deno";
 * import { contextReaders } from "./context_readers.ts";
 *
 * const addDelta = pipelineStep((d: number[], _ctx, { delta }) => d.map((x) => x + delta), {
 *   name: "add_delta",
 *   params: { delta: 0 },
 * });
 * assert.deepEqual(contextReaders(addDelta(), "step")[0].open, ["delta"]); // injected
 * assert.deepEqual(contextReaders(addDelta({ delta: 1 }), "step")[0].open, []); // fixed
 * ```
 */
export function contextReaders(
  owner: { readonly name: string; readonly run?: unknown; readonly fetch?: unknown },
  kind: ContextReader["kind"],
): readonly ContextReader[] {
  const found = registered.get(owner);
  if (found !== undefined) return found();
  const method = kind === "step" ? owner.run : owner.fetch;
  const code = typeof method === "function" ? method.toString() : "";
  return [{
    owner: `${kind} '${owner.name}'`,
    name: owner.name,
    kind,
    open: [],
    fixed: {},
    code,
    readsCondition: READS_CONDITION.test(code),
  }];
}

/**
 * The reader of a source whose data differs per condition by construction
 * (an `ExperimentInput` reads the upstream run's copy of the same condition).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { conditionReader, contextReaders, registerReaders } from "./context_readers.ts";
 *
 * const input = { name: "experiment_input", fetch: () => ({}) };
 * registerReaders(input, () => [conditionReader("datasource", "experiment_input")]);
 * assert.equal(contextReaders(input, "datasource")[0].name, "experiment_input");
 * ```
 */
export function conditionReader(kind: ContextReader["kind"], name: string): ContextReader {
  return {
    owner: `${kind} '${name}'`,
    name,
    kind,
    open: [],
    fixed: {},
    code: "",
    readsCondition: true,
  };
}

/**
 * The reader of a factory-made step or datasource: its declared parameters
 * split into open and fixed by the explicit ones, and its function's code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paramReader } from "./context_readers.ts";
 *
 * const reader = paramReader("step", "add_delta", { delta: 0 }, { delta: 1 }, (d: number[]) => d);
 * assert.deepEqual(reader.fixed, { delta: 1 });
 * assert.deepEqual(reader.open, []);
 * ```
 */
export function paramReader(
  kind: ContextReader["kind"],
  name: string,
  defaults: ParamDefaults,
  explicit: Readonly<Record<string, unknown>>,
  fn: (...args: never[]) => unknown,
): ContextReader {
  const declared = Object.keys(defaults);
  const code = fn.toString();
  return {
    owner: `${kind} '${name}'`,
    name,
    kind,
    open: declared.filter((k) => !Object.hasOwn(explicit, k)),
    fixed: Object.fromEntries(
      declared.filter((k) => Object.hasOwn(explicit, k)).map((k) => [
        k,
        explicit[k],
      ]),
    ),
    code,
    readsCondition: READS_CONDITION.test(code),
  };
}
