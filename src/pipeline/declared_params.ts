import type { FrozenContext } from "../context/frozen_context.ts";
import { ParameterError } from "./parameter_error.ts";
import { ResourceFactory } from "./resource_factory.ts";

/** Declared parameters: names with their defaults (`undefined` = required). */
export type ParamDefaults = Readonly<Record<string, unknown>>;

/** A parameter value as the function receives it: resource factories arrive built. */
export type Resolved<P> = {
  readonly [K in keyof P]: P[K] extends ResourceFactory<infer R> ? R : P[K];
};

/**
 * The parameters of one step, datasource or verifier instance: the explicit
 * values given to its factory, fixed for good, and the declared ones left
 * open, which are looked up in the context at call time (a treatment sets
 * them) and otherwise take their default. Precedence: explicit > context >
 * default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standaloneContext } from "@crystallize/deno";
 * import { BoundParams } from "./declared_params.ts";
 *
 * const bound = BoundParams.bind("step 'scale'", { k: 1, offset: 0 }, { offset: 5 });
 * assert.deepEqual(bound.resolve(standaloneContext({ k: 3 })), { k: 3, offset: 5 });
 * assert.deepEqual(bound.resolve(standaloneContext()), { k: 1, offset: 5 });
 * ```
 */
export class BoundParams<P extends ParamDefaults> {
  /** Values given explicitly to the factory. */
  readonly explicit: Readonly<Partial<P>>;
  readonly #owner: string;
  readonly #defaults: P;
  readonly #open: readonly string[];
  readonly #fixed: Resolved<P> | undefined;

  private constructor(owner: string, defaults: P, explicit: Partial<P>) {
    this.#owner = owner;
    this.#defaults = defaults;
    this.explicit = Object.freeze({ ...explicit });
    this.#open = Object.keys(defaults).filter((k) => !(k in explicit));
    const needsResolution = this.#open.length > 0 ||
      Object.values(explicit).some((v) => v instanceof ResourceFactory);
    this.#fixed = needsResolution ? undefined : this.explicit as Resolved<P>;
  }

  /**
   * Checks `explicit` against the declared `defaults` and binds them. An
   * undeclared name throws {@linkcode ParameterError} naming `owner`.
   */
  static bind<P extends ParamDefaults>(
    owner: string,
    defaults: P,
    explicit: Partial<P> = {},
  ): BoundParams<P> {
    const unknown = Object.keys(explicit).filter((k) => !Object.hasOwn(defaults, k));
    if (unknown.length > 0) {
      const declared = Object.keys(defaults);
      throw new ParameterError(
        `${owner} has no parameter${unknown.length > 1 ? "s" : ""} ${
          unknown.map((k) => `'${k}'`).join(", ")
        }; ` +
          (declared.length > 0
            ? `it declares ${declared.map((k) => `'${k}'`).join(", ")}`
            : "it declares none: add it to the factory's `params` option with a default"),
      );
    }
    return new BoundParams(owner, defaults, explicit);
  }

  /**
   * Explicit values over defaults, without a context (for verifiers). A
   * required parameter left unset throws {@linkcode ParameterError}.
   */
  withDefaults(): P {
    const out: Record<string, unknown> = { ...this.#defaults, ...this.explicit };
    const missing = Object.keys(out).filter((k) => out[k] === undefined);
    if (missing.length > 0) {
      throw new ParameterError(
        `${this.#owner} needs ${missing.map((k) => `'${k}'`).join(", ")}: pass ${
          missing.length > 1 ? "them" : "it"
        } to the factory or declare a default`,
      );
    }
    return out as P;
  }

  /** The values a call under `ctx` receives. */
  resolve(ctx: FrozenContext): Resolved<P> {
    if (this.#fixed !== undefined) return this.#fixed;
    return this.#lookup(ctx, (value) => materialize(value, ctx)) as Resolved<P>;
  }

  /**
   * The values a call under `ctx` receives, with resource factories left
   * unbuilt: what identifies the call (cache keys hash it).
   */
  values(ctx: FrozenContext): Readonly<Record<string, unknown>> {
    return this.#lookup(ctx, (value) => value);
  }

  #lookup(ctx: FrozenContext, map: (value: unknown) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key in this.explicit) out[key] = map(this.explicit[key]);
    for (const key of this.#open) {
      const value = ctx.has(key) ? ctx.get(key) : this.#defaults[key];
      if (value === undefined) {
        throw new ParameterError(
          `${this.#owner} needs parameter '${key}', but it was not given to the factory, ` +
            `the context has no '${key}' and it has no default; pass it to the factory, ` +
            `set it in a treatment or initialContext, or declare a default`,
        );
      }
      out[key] = map(value);
    }
    return out;
  }
}

function materialize(value: unknown, ctx: FrozenContext): unknown {
  return value instanceof ResourceFactory ? value.get(ctx) : value;
}
