import type { FrozenContext } from "../context/frozen_context.ts";
import { type DataSource, dataSource } from "../data/datasource.ts";
import {
  type ArtifactRef,
  ExperimentInput,
  experimentInputSource,
} from "../data/experiment_input.ts";
import { CrystallizeError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import { contextReaders, registerReaders } from "../pipeline/context_readers.ts";
import { isPromiseLike } from "../promise.ts";

/** Where a named datasource's factory is: plain data, so workers can rebuild it. */
export interface SourceRef {
  /** URL of the module exporting the factory. */
  readonly module: string;
  /** Export name of the factory. */
  readonly export: string;
  /** Explicit parameters given to the factory. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One alias of a combined source: a built datasource and how to rebuild it. */
export interface NamedSource {
  /** The datasource. */
  readonly source: DataSource;
  /** Its factory by reference. */
  readonly ref: SourceRef;
}

interface CombinedParams {
  /** Every alias in declaration order: a factory reference, or `null` for inputs. */
  readonly aliases: Readonly<Record<string, SourceRef | null>>;
  /** `ExperimentInput` references by alias. */
  readonly inputs: Readonly<Record<string, ArtifactRef>>;
}

/**
 * A datasource made of several named ones — factories from `datasources.ts`
 * and other experiments' artifacts — fetched in declaration order into
 * `{ alias: value }`: what a `config.yaml` with several `datasource` aliases
 * gives its pipeline. Its replicate count is the upstream runs' (when it reads
 * any); its code hash covers every part, so resume notices a change in any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, standaloneContext } from "@crystallize/deno";
 * import { CombinedSource } from "./combined_source.ts";
 *
 * export const numbers = dataSource(() => [1, 2], { name: "numbers" });
 * export const label = dataSource((ctx) => ctx.condition, { name: "label" });
 * const ref = (name: string) => ({ module: import.meta.url, export: name, params: {} });
 * const source = new CombinedSource(
 *   { xs: { source: numbers(), ref: ref("numbers") }, label: { source: label(), ref: ref("label") } },
 *   undefined, // or an ExperimentInput reading other experiments' outputs
 * );
 * assert.deepEqual(await source.fetch(standaloneContext()), { xs: [1, 2], label: "baseline" });
 * ```
 */
export class CombinedSource implements DataSource<Record<string, unknown>> {
  /** Datasource name. */
  readonly name = "datasources";
  /** The factory workers rebuild it with. */
  readonly factory = combinedSource;
  readonly #order: readonly string[];
  readonly #sources: Readonly<Record<string, NamedSource>>;
  readonly #inputs: ExperimentInput | undefined;

  /**
   * Combines `sources` and `inputs`; `order` lists every alias in
   * declaration order (default: sources, then inputs).
   */
  constructor(
    sources: Readonly<Record<string, NamedSource>>,
    inputs: ExperimentInput | undefined,
    order: readonly string[] = [
      ...Object.keys(sources),
      ...Object.keys(inputParams(inputs)),
    ],
  ) {
    this.#sources = sources;
    this.#inputs = inputs;
    this.#order = order;
    // What it reads from the context is what its parts read.
    registerReaders(this, () => [
      ...Object.values(sources).flatMap((s) => contextReaders(s.source, "datasource")),
      ...(inputs === undefined ? [] : contextReaders(inputs, "datasource")),
    ]);
  }

  /** The parts by reference (plain data). */
  get params(): Readonly<Record<string, unknown>> {
    const params: CombinedParams = {
      aliases: Object.fromEntries(this.#order.map((a) => [a, this.#sources[a]?.ref ?? null])),
      inputs: inputParams(this.#inputs),
    };
    return params as unknown as Readonly<Record<string, unknown>>;
  }

  /** The other experiments' artifacts it reads (edges of an `ExperimentGraph`). */
  get requiredOutputs(): readonly { readonly experiment: string; readonly artifact: string }[] {
    return this.#inputs?.requiredOutputs ?? [];
  }

  /** The upstream runs' replicate count, when the source reads any. */
  get replicates(): number | undefined {
    return this.#inputs?.replicates;
  }

  /** A hash of every part's code hash (and the upstream runs read). */
  get codeHash(): string {
    return sha256Hex(
      this.#order.map((alias) =>
        `${alias}:${this.#sources[alias]?.source.codeHash ?? this.#inputs?.codeHash ?? ""}`
      ).join("\n"),
    );
  }

  /** The producers' folders (see `ExperimentInput.readPaths`). */
  get readPaths(): readonly string[] {
    return this.#inputs?.readPaths ?? [];
  }

  /** Forgets the upstream runs located so far (see `ExperimentInput.refresh`). */
  refresh(): void {
    this.#inputs?.refresh();
  }

  /** `{ alias: value }` for this replicate and condition. */
  fetch(ctx: FrozenContext): Promise<Record<string, unknown>> {
    return fetchAll(ctx, this.#order, (alias) => this.#sources[alias]?.source, this.#inputs);
  }
}

function inputParams(inputs: ExperimentInput | undefined): Readonly<Record<string, ArtifactRef>> {
  return (inputs?.params.inputs ?? {}) as Readonly<Record<string, ArtifactRef>>;
}

async function fetchAll(
  ctx: FrozenContext,
  order: readonly string[],
  sourceOf: (alias: string) => DataSource | undefined,
  inputs: DataSource<Record<string, unknown>> | undefined,
): Promise<Record<string, unknown>> {
  const read = inputs === undefined ? {} : await inputs.fetch(ctx);
  const out: Record<string, unknown> = {};
  for (const alias of order) {
    const source = sourceOf(alias);
    if (source === undefined) {
      out[alias] = read[alias];
      continue;
    }
    const value = source.fetch(ctx);
    out[alias] = isPromiseLike(value) ? await value : value;
  }
  return out;
}

/** Built datasources of this isolate, by reference (workers build each once). */
const built = new Map<string, Promise<DataSource>>();

function rebuild(ref: SourceRef): Promise<DataSource> {
  const key = JSON.stringify([ref.module, ref.export, ref.params]);
  let source = built.get(key);
  if (source === undefined) {
    source = import(ref.module).then((mod: Record<string, unknown>) => {
      const factory = mod[ref.export];
      if (typeof factory !== "function") {
        throw new CrystallizeError(
          `datasource '${ref.export}' is no longer exported from ${ref.module}`,
        );
      }
      return (factory as (params: unknown) => DataSource)(ref.params);
    });
    built.set(key, source);
  }
  return source;
}

/**
 * The factory behind {@linkcode CombinedSource}, exported so worker processes
 * rebuild it from plain parameters (importing each part's module).
 */
export const combinedSource = Object.assign(
  dataSource(
    async (
      ctx,
      params: { aliases: CombinedParams["aliases"]; inputs: CombinedParams["inputs"] },
    ) => {
      const sources = new Map<string, DataSource>();
      for (const [alias, ref] of Object.entries(params.aliases)) {
        if (ref !== null) sources.set(alias, await rebuild(ref));
      }
      const inputs = Object.keys(params.inputs).length === 0
        ? undefined
        : experimentInputSource({ inputs: params.inputs });
      return await fetchAll(ctx, Object.keys(params.aliases), (a) => sources.get(a), inputs);
    },
    {
      name: "datasources",
      params: { aliases: {} as CombinedParams["aliases"], inputs: {} as CombinedParams["inputs"] },
    },
  ),
  // Defined inside the library, where the call-stack lookup cannot see the defining module.
  { moduleUrl: import.meta.url },
);
