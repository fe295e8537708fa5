import { deepFreeze } from "../context/deep_freeze.ts";
import { BASELINE, type FrozenContext, RESERVED_CONTEXT_KEYS } from "../context/frozen_context.ts";
import { CrystallizeError } from "../errors.ts";
import { callerModuleUrl } from "../pipeline/module_ref.ts";
import type { MaybePromise } from "../promise.ts";
import { checkPathName } from "../path_name.ts";
import { isPlainObject } from "../plain_object.ts";

/** Context values a treatment sets; nested plain objects merge into the baseline's. */
export type TreatmentValues = Readonly<Record<string, unknown>>;

/** A treatment written as code: adds to the context of each replicate. */
export type TreatmentFunction = (ctx: FrozenContext) => MaybePromise<void>;

/**
 * A named variation of the baseline: a set of context values, or a function
 * that adds them. Its name is the condition name in results, events and
 * errors. A treatment named `"baseline"` is applied to the baseline condition.
 *
 * Calling a treatment returns itself, so `.treatments([boost()])` and
 * `.treatments([boost])` both work.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standaloneContext, Treatment } from "@crystallize/deno";
 *
 * const fast = new Treatment("fast", { lr: 0.1, model: { depth: 2 } });
 * const dynamic = new Treatment("dynamic", (ctx) => ctx.add("delta", ctx.get("delta", 0) + 1));
 * assert.equal(fast.values.lr, 0.1);
 * const ctx = standaloneContext();
 * dynamic.apply?.(ctx);
 * assert.equal(ctx.get("delta"), 1);
 * ```
 */
export class Treatment {
  /** Condition name. */
  readonly name: string;
  /** Context values (frozen); empty for function treatments. */
  readonly values: TreatmentValues;
  /** The function of a function treatment, run per replicate after the values are in place. */
  readonly apply: TreatmentFunction | undefined;
  /** The module that defined it (for workers), when known. */
  readonly moduleUrl: string | undefined;

  /**
   * Creates a treatment from values or a function. The name must be usable
   * as a folder name (its artifacts are stored under it): a name with `/`,
   * `\`, control characters, `.` or `..` (see `PATH_NAME_RULE`) throws
   * `PathNameError`.
   */
  constructor(name: string, apply: TreatmentValues | TreatmentFunction, moduleUrl?: string) {
    if (typeof name !== "string" || name.trim() === "") {
      throw new CrystallizeError(`A treatment needs a non-empty name, got ${JSON.stringify(name)}`);
    }
    // The name becomes the folder of the treatment's artifacts (<replicate>/<treatment>/<artifact>).
    checkPathName(name, "treatment");
    this.name = name;
    this.moduleUrl = moduleUrl;
    if (typeof apply === "function") {
      this.values = Object.freeze({});
      this.apply = apply;
    } else if (isPlainObject(apply)) {
      const reserved = Object.keys(apply).filter((k) => RESERVED_CONTEXT_KEYS.includes(k));
      if (reserved.length > 0) {
        throw new CrystallizeError(
          `Treatment '${name}' sets ${
            reserved.map((k) => `'${k}'`).join(", ")
          }, which the framework sets itself; rename the key`,
        );
      }
      this.values = deepFreeze({ ...apply });
      this.apply = undefined;
    } else {
      throw new CrystallizeError(
        `Treatment '${name}' needs an object of context values or a function (ctx) => void, got ${typeof apply}`,
      );
    }
  }

  /** Whether this treatment is applied to the baseline condition instead of being one of its own. */
  get isBaseline(): boolean {
    return this.name === BASELINE;
  }
}

/** A {@linkcode Treatment} that can also be called (returning itself), as the original's tutorials do. */
export type TreatmentFactory = Treatment & (() => Treatment);

/**
 * Declares a treatment. The result is a {@linkcode Treatment} that is also
 * callable, so `boost` and `boost()` are the same treatment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treatment } from "@crystallize/deno";
 *
 * const boost = treatment("boost_total", { delta: 10 });
 * const plusOne = treatment("plus_one", (ctx) => ctx.add("delta", ctx.get("delta", 0) + 1));
 * assert.equal(boost().name, "boost_total"); // callable: boost and boost() are the same
 * assert.equal(plusOne.name, "plus_one");
 * ```
 */
export function treatment(
  name: string,
  apply: TreatmentValues | TreatmentFunction,
): TreatmentFactory {
  const instance = new Treatment(name, apply, callerModuleUrl());
  // A function object whose prototype is Treatment's: `instanceof Treatment` holds and calling it returns itself.
  const callable: TreatmentFactory = Object.setPrototypeOf(() => callable, Treatment.prototype);
  Object.defineProperties(callable, {
    name: { value: instance.name, enumerable: true },
    values: { value: instance.values, enumerable: true },
    apply: { value: instance.apply, enumerable: true },
    moduleUrl: { value: instance.moduleUrl, enumerable: true },
  });
  return callable;
}

/** Accepts a treatment or anything that returns one when called. */
export type TreatmentLike = Treatment | (() => Treatment);

/** Normalises a {@linkcode TreatmentLike} to its {@linkcode Treatment}. */
export function toTreatment(t: TreatmentLike): Treatment {
  if (t instanceof Treatment) return t;
  if (typeof t === "function") {
    const made = t();
    if (made instanceof Treatment) return made;
  }
  throw new CrystallizeError(
    `Expected a treatment, got ${typeof t}; create one with treatment(name, values) or new Treatment(name, values)`,
  );
}

/**
 * `base` with `overlay` on top: nested plain objects merge key by key, every
 * other value is replaced. Neither input is changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeValues } from "./treatment.ts";
 *
 * assert.deepEqual(mergeValues({ model: { lr: 0.01, depth: 2 } }, { model: { lr: 0.1 } }), {
 *   model: { lr: 0.1, depth: 2 },
 * });
 * ```
 */
export function mergeValues(
  base: TreatmentValues,
  overlay: TreatmentValues,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeValues(prev, value) : value;
  }
  return out;
}
