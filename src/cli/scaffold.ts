/**
 * The files of a new folder experiment, as `crystallize new` and the
 * terminal UI's create screen write them: which modules, with or without
 * example code, reading other experiments' outputs (a graph) or its own
 * datasource. Every variant runs as generated.
 * @module
 */

/** What to generate. */
export interface ScaffoldOptions {
  /** Example code: an injectable `delta`, a treatment and a Welch hypothesis. */
  readonly example: boolean;
  /** Also `verifiers.ts` with a verifier (used by a hypothesis with example code). */
  readonly verifiers: boolean;
  /** Also `outputs.ts` with an artifact the last step writes (others can read it). */
  readonly outputs: boolean;
  /** Other experiments' outputs to read, as `experiment#output`: the experiment runs in their graph. */
  readonly inputs: readonly string[];
}

/** What `crystallize new` generates. */
export const DEFAULT_SCAFFOLD: ScaffoldOptions = {
  example: true,
  verifiers: false,
  outputs: false,
  inputs: [],
};

/** A valid experiment name: lowercase letters, digits, `_` and `-`, starting with a letter. */
export const EXPERIMENT_NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * Why `name` cannot name a new experiment, or `undefined` when it can.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experimentNameProblem } from "./scaffold.ts";
 *
 * assert.equal(experimentNameProblem("my_exp"), undefined);
 * assert.match(experimentNameProblem("My exp") ?? "", /lowercase letters/);
 * ```
 */
export function experimentNameProblem(name: string): string | undefined {
  if (name === "") return "type a name";
  if (EXPERIMENT_NAME.test(name)) return undefined;
  return `'${name}' is not a valid experiment name: use lowercase letters, digits, _ and -, ` +
    "starting with a letter";
}

/**
 * The datasource entries for `inputs`: alias → `experiment#output`, the
 * alias being the output's, or `<experiment>_<output>` when two share it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inputAliases } from "./scaffold.ts";
 *
 * assert.deepEqual(inputAliases(["a#model", "b#model", "b#data"]), {
 *   model: "a#model", b_model: "b#model", data: "b#data",
 * });
 * ```
 */
export function inputAliases(inputs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of inputs) {
    const [experiment, output] = input.split("#");
    out[output in out ? `${experiment}_${output}` : output] = input;
  }
  return out;
}

/**
 * The files of a new folder experiment, by file name. `library` is the
 * import specifier of Crystallize's `mod.ts` as seen from the new folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_SCAFFOLD, scaffold } from "./scaffold.ts";
 *
 * const files = scaffold("demo", "../../mod.ts", { ...DEFAULT_SCAFFOLD, outputs: true });
 * assert.deepEqual(Object.keys(files), ["config.yaml", "datasources.ts", "steps.ts", "outputs.ts"]);
 * assert.match(files["steps.ts"], /result\.write\(ctx, total\)/);
 * ```
 */
export function scaffold(
  name: string,
  library: string,
  options: ScaffoldOptions,
): Record<string, string> {
  const lib = JSON.stringify(library);
  const graph = options.inputs.length > 0;
  const files: Record<string, string> = {
    "config.yaml": configYaml(name, options),
    "datasources.ts": graph
      ? `/** Datasources of ${name}: it reads other experiments' outputs (config.yaml). @module */\n`
      : `/** Datasources of ${name}, referred to by name from config.yaml. @module */
import { dataSource } from ${lib};

/** \`count\` numbers around 10, seeded per replicate through ctx.rng. */
export const noisyNumbers = dataSource(
  (ctx, { count }) => Array.from({ length: count }, () => ctx.rng.normal(10, 1)),
  { name: "noisy_numbers", params: { count: 5 } },
);
`,
    "steps.ts": stepsTs(name, lib, options),
  };
  if (options.verifiers) {
    files["verifiers.ts"] =
      `/** Verifiers of ${name}, referred to by name from config.yaml. @module */
import { verifier } from ${lib};

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** How much the treatment raises the metric's mean. */
export const meanRise = verifier((baseline, treated, { metric }) => {
  const rise = mean(treated[metric]) - mean(baseline[metric]);
  return { rise, significant: rise > 0 };
}, { name: "mean_rise", params: { metric: "total" } });
`;
  }
  if (options.outputs) {
    files["outputs.ts"] =
      `/** Outputs of ${name}: other experiments read them as ${name}#result. @module */
import { Artifact } from ${lib};

/** The total of one replicate, as JSON. */
export const result = new Artifact<number>("result.json", { format: "json" });
`;
  }
  return files;
}

function configYaml(name: string, options: ScaffoldOptions): string {
  const graph = options.inputs.length > 0;
  const datasource = graph
    ? Object.entries(inputAliases(options.inputs)).map(([alias, ref]) =>
      `  ${alias}: ${ref} # <experiment>#<output>: its newest stored run\n`
    ).join("")
    : "  numbers: { noisy_numbers: { count: 5 } } # exported from datasources.ts\n";
  const steps = graph
    ? "  - record_total # sums the numbers read\n"
    : options.example
    ? "  - add_delta # its delta parameter is injected: 0 by default, set by treatments\n  - record_total\n"
    : "  - record_total\n";
  const hypotheses = options.example && !graph
    ? `
treatments:
  add_one: { delta: 1 }

hypotheses:
  - name: delta_raises_total
    verifier: { welch: { alternative: greater } } # built-in Welch t-test
    metrics: total
${
      options.verifiers
        ? "  - name: total_rises\n    verifier: mean_rise # exported from verifiers.ts\n    metrics: total\n"
        : ""
    }`
    : "";
  return `# A folder experiment: run it with \`crystallize run <this folder>\`.
name: ${name}
description: ${
    graph ? "Totals of the outputs it reads" : "Does adding delta raise the total?"
  } (generated by crystallize new)
replicates: ${graph ? 1 : 10}${
    graph ? " # a graph runs as many replicates as the runs it reads" : ""
  }
cli:
  group: ${graph ? "Graphs" : "Experiments"}
  priority: 999
  icon: ${graph ? "📈" : "🧪"}
  hidden: false

datasource:
${datasource}
steps:
${steps}${
    options.outputs ? "\noutputs:\n  result: # the Artifact exported from outputs.ts\n" : ""
  }${hypotheses}
# permissions: { read: ["./data"] } # what this experiment's code may use besides its folder
`;
}

function stepsTs(name: string, lib: string, options: ScaffoldOptions): string {
  const graph = options.inputs.length > 0;
  const imports = options.outputs ? `\nimport { result } from "./outputs.ts";` : "";
  const input = graph ? "Record<string, unknown>" : "number[]";
  const sum = graph
    ? 'Object.values(data).flat(2).filter((x): x is number => typeof x === "number")\n    .reduce((a, b) => a + b, 0)'
    : "data.reduce((a, b) => a + b, 0)";
  const delta = options.example && !graph
    ? `
/** Adds \`delta\` to every number (treatments set delta). */
export const addDelta = pipelineStep(
  (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
  { name: "add_delta", params: { delta: 0 } },
);
`
    : "";
  return `/** Steps of ${name}, referred to by name from config.yaml. @module */
import { pipelineStep } from ${lib};${imports}
${delta}
/** Records the sum${graph ? " of the numbers read" : ""} as metric \`total\`. */
export const recordTotal = pipelineStep((data: ${input}, ctx) => {
  const total = ${sum};
  ctx.metrics.add("total", total);${options.outputs ? "\n  result.write(ctx, total);" : ""}
  return data;
}, { name: "record_total" });
`;
}
