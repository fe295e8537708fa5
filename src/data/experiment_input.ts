import { join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import type { FrozenContext } from "../context/frozen_context.ts";
import { BASELINE } from "../context/frozen_context.ts";
import { CrystallizeError, errorMessage } from "../errors.ts";
import { outputRoot } from "../storage/output_root.ts";
import type { ResultJson } from "../storage/result_json.ts";
import { sha256Hex } from "../sha256.ts";
import { fromJsonText } from "../storage/json_values.ts";
import {
  artifactPath,
  experimentDir,
  isComplete,
  listVersions,
  RUN_FILES,
  versionDir,
} from "../storage/run_layout.ts";
import { checkPathName, PathNameError } from "../path_name.ts";
import { Artifact } from "./artifact.ts";
import type { ArtifactFormat } from "../storage/run_layout.ts";
import { checkArtifactName } from "../context/artifact_name.ts";
import { readManifest } from "../storage/stored_run.ts";
import { type DataSource, dataSource, type DataSourceFactory } from "./datasource.ts";
import { conditionReader, registerReaders } from "../pipeline/context_readers.ts";

/** Where another experiment's artifact is: plain data (it crosses to workers). */
export interface ArtifactRef {
  /** The producing experiment's name. */
  readonly experiment: string;
  /** The artifact's name. */
  readonly artifact: string;
  /** How to decode it; default: the format the producer declared in its `outputs`, else `"bytes"`. */
  readonly format?: ArtifactFormat;
  /** A pinned version; default: the newest finished run. */
  readonly version?: number;
  /** The producer's output root; default: the `ExperimentInput`'s `root`, else the default output root. */
  readonly root?: string;
}

/** An artifact reference: an {@linkcode ArtifactRef} or `"experiment#artifact"`. */
export type ArtifactRefLike = ArtifactRef | string;

/** Options of {@linkcode ExperimentInput}. */
export interface ExperimentInputOptions {
  /** Output root of the producing experiments; default: `$CRYSTALLIZE_HOME` or `.crystallize`. */
  root?: string;
}

/** An upstream run located on disk. */
interface UpstreamRun {
  readonly dir: string;
  /** Formats of the producer's declared outputs. */
  readonly formats: Readonly<Record<string, ArtifactFormat>>;
  readonly version: number;
  readonly runId: string;
  readonly replicates: number;
  /** The conditions the producer ran (baseline included). */
  readonly conditions: readonly string[];
}

/**
 * A datasource made of other experiments' artifacts: for each replicate and
 * condition, `fetch` returns `{ alias: value }` with each artifact as the
 * producing run stored it for the same replicate and condition (the
 * baseline's copy when the producer did not run that condition). By
 * default the newest finished run of each producer is read, or a pinned
 * `version`. The producer's replicate count becomes this experiment's
 * default, and a run asking for another count is refused (counts must
 * agree). Missing runs or artifacts raise errors naming the experiment and
 * artifact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   Artifact,
 *   ArtifactPlugin,
 *   dataSource,
 *   Experiment,
 *   ExperimentGraph,
 *   ExperimentInput,
 *   pipelineStep,
 * } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * export const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: (d[0] + d[1]) / 2 });
 *   return d;
 * }, { name: "fit" });
 * export const score = pipelineStep((inputs: { model: { mean: number } }, ctx) => {
 *   ctx.metrics.add("mean", inputs.model.mean);
 *   return inputs;
 * }, { name: "score" });
 * export const pair = dataSource(() => [1, 3], { name: "pair" });
 *
 * const train = Experiment.builder("train").datasource(pair()).addStep(fit()).outputs([model])
 *   .plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const evaluate = Experiment.builder("evaluate")
 *   .datasource(new ExperimentInput({ model: "train#model.json" }, { root: outputDir }))
 *   .addStep(score()).plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const results = await new ExperimentGraph([train, evaluate]).run();
 * assert.deepEqual(results.evaluate.metrics.baseline.metrics.mean, [2]);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export class ExperimentInput implements DataSource<Record<string, unknown>> {
  /** Datasource name. */
  readonly name: string = "experiment_input";
  /** The factory workers rebuild it with. */
  readonly factory: typeof experimentInputSource = experimentInputSource;
  /** The artifacts it reads (edges of an `ExperimentGraph`). */
  readonly requiredOutputs: readonly { readonly experiment: string; readonly artifact: string }[];
  readonly #inputs: Readonly<Record<string, ArtifactRef>>;
  readonly #runs = new Map<string, UpstreamRun>();

  /** Creates the input; a malformed reference or no inputs throws. */
  constructor(
    inputs: Readonly<Record<string, ArtifactRefLike>>,
    options: ExperimentInputOptions = {},
  ) {
    const entries = Object.entries(inputs);
    if (entries.length === 0) {
      throw new CrystallizeError(
        'ExperimentInput needs at least one input, e.g. new ExperimentInput({ model: "train#model.json" })',
      );
    }
    this.#inputs = Object.fromEntries(
      entries.map(([alias, ref]) => [alias, normalizeRef(alias, ref, options.root)]),
    );
    this.requiredOutputs = Object.values(this.#inputs).map((r) => ({
      experiment: r.experiment,
      artifact: r.artifact,
    }));
    // Each condition reads the upstream run's copy of the same condition.
    registerReaders(this, () => [conditionReader("datasource", this.name)]);
  }

  /** The inputs, each pinned to the version this process resolved (so workers read the same runs). */
  get params(): Readonly<Record<string, unknown>> {
    return {
      inputs: Object.fromEntries(
        Object.entries(this.#inputs).map(([alias, ref]) => [alias, {
          ...ref,
          version: this.#runs.get(alias)?.version ?? ref.version,
        }]),
      ),
    };
  }

  /**
   * The producers' replicate count (it becomes the run's default). Throws
   * when producers disagree or one has no finished run.
   */
  get replicates(): number {
    const counts = Object.keys(this.#inputs).map((alias) => [alias, this.#run(alias)] as const);
    const distinct = new Set(counts.map(([, run]) => run.replicates));
    if (distinct.size > 1) {
      throw new CrystallizeError(
        `ExperimentInput: the upstream runs have different replicate counts (${
          counts.map(([alias, run]) =>
            `${alias}: ${this.#inputs[alias].experiment} v${run.version} has ${run.replicates}`
          ).join(", ")
        }); re-run them with the same number of replicates`,
      );
    }
    return counts[0][1].replicates;
  }

  /** The producers' folders (worker processes get read access to them). */
  get readPaths(): readonly string[] {
    return [...new Set(Object.values(this.#inputs).map((ref) => upstreamDir(ref)))];
  }

  /** Identifies the upstream runs read (resume recomputes when a producer has a new run). */
  get codeHash(): string {
    return sha256Hex(
      Object.keys(this.#inputs).sort().map((alias) => `${alias}:${this.#run(alias).runId}`).join(),
    );
  }

  /**
   * Forgets the upstream runs located so far, so the next use reads the
   * newest ones (every run starts with it: producers may have run again).
   */
  refresh(): void {
    this.#runs.clear();
  }

  /** The inputs' values for this replicate and condition. */
  fetch(ctx: FrozenContext): Record<string, unknown> {
    return readInputs(ctx, this.#inputs, (alias) => this.#run(alias));
  }

  #run(alias: string): UpstreamRun {
    let run = this.#runs.get(alias);
    if (run === undefined) {
      run = locateRun(alias, this.#inputs[alias]);
      this.#runs.set(alias, run);
    }
    return run;
  }
}

/**
 * The factory behind {@linkcode ExperimentInput}, exported so worker
 * processes rebuild inputs by reference from plain parameters.
 */
export const experimentInputSource: DataSourceFactory<
  Record<string, unknown>,
  { inputs: Readonly<Record<string, ArtifactRef>> }
> = Object.assign(
  dataSource(
    (ctx, { inputs }: { inputs: Readonly<Record<string, ArtifactRef>> }) => {
      const runs = new Map<string, UpstreamRun>();
      return readInputs(ctx, inputs, (alias) => {
        let run = runs.get(alias);
        if (run === undefined) runs.set(alias, run = locateRun(alias, inputs[alias]));
        return run;
      });
    },
    { name: "experiment_input", params: { inputs: {} as Readonly<Record<string, ArtifactRef>> } },
  ),
  { moduleUrl: import.meta.url },
); // defined inside the library, which callerModuleUrl skips

function readInputs(
  ctx: FrozenContext,
  inputs: Readonly<Record<string, ArtifactRef>>,
  runOf: (alias: string) => UpstreamRun,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [alias, ref] of Object.entries(inputs)) {
    const run = runOf(alias);
    if (ctx.replicate >= run.replicates) {
      throw new CrystallizeError(
        `input '${alias}': replicate ${ctx.replicate} has no counterpart in ${ref.experiment} v${run.version}, ` +
          `which ran ${run.replicates} replicates; run this experiment with replicates: ${run.replicates}`,
      );
    }
    // The baseline's copy stands in only for a condition the producer never ran: when it ran
    // this one, a missing file is lost data, not a reason to read another condition's.
    const condition = run.conditions.includes(ctx.condition) ? ctx.condition : BASELINE;
    const path = artifactPath(run.dir, ctx.replicate, condition, ref.artifact);
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch (error) {
      throw new CrystallizeError(
        `input '${alias}': experiment '${ref.experiment}' stored no artifact '${ref.artifact}' for replicate ${ctx.replicate} ` +
          `and condition '${condition}' in v${run.version} (${path}: ${
            (error as Error).message
          }); check that its steps write '${ref.artifact}' and that it is in its outputs`,
        { cause: error },
      );
    }
    const format = ref.format ?? run.formats[ref.artifact];
    out[alias] = new Artifact(ref.artifact, { format }).decode(bytes);
  }
  return out;
}

function upstreamDir(ref: ArtifactRef): string {
  return experimentDir(resolvePath(ref.root ?? outputRoot({})), ref.experiment);
}

/**
 * The stored run an artifact reference reads: its pinned `version`, else
 * the newest finished one, under its `root` (else the default output root);
 * `undefined` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upstreamRun } from "./experiment_input.ts";
 *
 * const root = await Deno.makeTempDir();
 * assert.equal(upstreamRun({ experiment: "train", artifact: "m.json", root }), undefined);
 * assert.deepEqual(upstreamRun({ experiment: "train", artifact: "m.json", root, version: 2 }), { dir: `${root}/train/v2`, version: 2 });
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export function upstreamRun(ref: ArtifactRef): { dir: string; version: number } | undefined {
  const expDir = upstreamDir(ref);
  const version = ref.version ??
    listVersions(expDir).filter((v) => isComplete(versionDir(expDir, v))).at(-1);
  return version === undefined ? undefined : { dir: versionDir(expDir, version), version };
}

function locateRun(alias: string, ref: ArtifactRef): UpstreamRun {
  const located = upstreamRun(ref);
  const what = `input '${alias}' (${ref.experiment}#${ref.artifact})`;
  if (located === undefined) {
    throw new CrystallizeError(
      `${what}: experiment '${ref.experiment}' has no finished run under ${upstreamDir(ref)}; ` +
        `run '${ref.experiment}' first (with an ArtifactPlugin), or check the output root`,
    );
  }
  const { dir, version } = located;
  let result: ResultJson;
  try {
    result = fromJsonText(Deno.readTextFileSync(join(dir, RUN_FILES.result))) as ResultJson;
  } catch (error) {
    throw new CrystallizeError(
      `${what}: cannot read ${join(dir, RUN_FILES.result)} (${(error as Error).message}); ` +
        `pin a finished version of '${ref.experiment}' or re-run it`,
      { cause: error },
    );
  }
  if (!(ref.artifact in (result.artifacts ?? {}))) {
    throw new CrystallizeError(
      `${what}: experiment '${ref.experiment}' v${version} stored no artifact '${ref.artifact}' (it stored ${
        Object.keys(result.artifacts ?? {}).map((n) => `'${n}'`).join(", ") || "none"
      }); check the artifact name and that its steps write it`,
    );
  }
  return {
    dir,
    formats: Object.fromEntries(
      (readManifest(dir)?.outputs ?? []).map((o) => [o.name, o.format]),
    ),
    version,
    runId: result.provenance.runId,
    replicates: result.provenance.replicates,
    conditions: Object.keys(result.provenance.seeds),
  };
}

function normalizeRef(alias: string, ref: ArtifactRefLike, root: string | undefined): ArtifactRef {
  if (typeof ref === "string") {
    const match = /^([^#]+)#([^#]+)$/.exec(ref);
    if (match === null) {
      throw new CrystallizeError(
        `ExperimentInput: input '${alias}' is "${ref}"; write it as "experiment#artifact", e.g. "train#model.json"`,
      );
    }
    return checkRefNames(alias, {
      experiment: match[1],
      artifact: match[2],
      ...(root === undefined ? {} : { root }),
    });
  }
  return checkRefNames(
    alias,
    root === undefined || ref.root !== undefined ? ref : { ...ref, root },
  );
}

/** The names of a reference become paths (`<root>/<experiment>/v<N>/.../<artifact>`): they must be path names. */
function checkRefNames(alias: string, ref: ArtifactRef): ArtifactRef {
  try {
    checkPathName(ref.experiment, "experiment");
    checkArtifactName(ref.artifact);
  } catch (error) {
    throw new PathNameError(`ExperimentInput: input '${alias}' reads an ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return ref;
}
