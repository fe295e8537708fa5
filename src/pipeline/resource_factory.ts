import type { FrozenContext } from "../context/frozen_context.ts";
import { callerModuleUrl } from "./module_ref.ts";

/** Options of {@linkcode resourceFactory}. */
export interface ResourceFactoryOptions {
  /** Cache key; factories sharing a key share one resource. Default: one per factory. */
  key?: string;
}

const built = new Map<string | ResourceFactory<unknown>, unknown>();

/**
 * A lazily built, per-isolate resource (a database handle, a loaded model, a
 * client with sockets): something that cannot be copied into a context or
 * sent to a worker. Put the factory in the context or as a parameter default;
 * when a step's parameter resolves to it, the step receives the built
 * resource. It is built once per isolate — once in the main process, once in
 * each worker — and never sent across.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resourceFactory, standaloneContext } from "@crystallize/deno";
 *
 * const db = resourceFactory(() => new Map<string, number>(), { key: "db" });
 * assert.equal(db.get(standaloneContext()), db.get(standaloneContext())); // built once
 * ```
 */
export class ResourceFactory<T> {
  /** The module that defined the factory (for workers). */
  readonly moduleUrl: string | undefined;
  readonly #build: (ctx: FrozenContext) => T;
  readonly #key: string | undefined;

  /** Prefer {@linkcode resourceFactory}. */
  constructor(
    build: (ctx: FrozenContext) => T,
    options: ResourceFactoryOptions = {},
    moduleUrl?: string,
  ) {
    this.#build = build;
    this.#key = options.key;
    this.moduleUrl = moduleUrl;
  }

  /** The sharing key given to {@linkcode resourceFactory}, if any (what cache keys hash). */
  get key(): string | undefined {
    return this.#key;
  }

  /** The resource, built on first use in this isolate. */
  get(ctx: FrozenContext): T {
    const slot = this.#key ?? this;
    if (built.has(slot)) return built.get(slot) as T;
    const value = this.#build(ctx);
    built.set(slot, value);
    return value;
  }
}

/**
 * Creates a {@linkcode ResourceFactory}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipelineStep, resourceFactory, standaloneContext } from "@crystallize/deno";
 *
 * export const client = resourceFactory((ctx) => ({ createdFor: ctx.condition }));
 * export const fetchRows = pipelineStep((_d: unknown, _ctx, { client }) => client, {
 *   name: "fetch_rows",
 *   params: { client },
 * });
 * // The step receives the built object, not the factory.
 * assert.deepEqual(fetchRows().run(null, standaloneContext()), { createdFor: "baseline" });
 * ```
 */
export function resourceFactory<T>(
  build: (ctx: FrozenContext) => T,
  options: ResourceFactoryOptions = {},
): ResourceFactory<T> {
  return new ResourceFactory(build, options, callerModuleUrl());
}
