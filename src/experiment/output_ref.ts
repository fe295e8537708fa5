import type { Artifact } from "../data/artifact.ts";
import type { ArtifactRef } from "../data/experiment_input.ts";
import { CrystallizeError } from "../errors.ts";
import { outputRoot } from "../storage/output_root.ts";
import { listNames } from "./experiment_problems.ts";

/**
 * A reference to the experiment's declared output `name`, for another
 * experiment's `ExperimentInput`: it reads the output where the producer
 * stores its runs. An undeclared name throws, naming those declared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact } from "@crystallize/deno";
 * import { outputRef } from "./output_ref.ts";
 *
 * const train = { name: "train", outputs: [new Artifact("model.json", { format: "json" })], outputDir: "/out", storage: undefined };
 * assert.deepEqual(outputRef(train, "model.json"), { experiment: "train", artifact: "model.json", format: "json", root: "/out" });
 * assert.throws(() => outputRef(train, "weights.bin"), /declares no output 'weights.bin'; it declares 'model.json'/);
 * ```
 */
export function outputRef(
  experiment: {
    readonly name: string;
    readonly outputs: readonly Artifact[];
    readonly outputDir?: string;
    readonly storage: { readonly root: string | undefined } | undefined;
  },
  name: string,
): ArtifactRef {
  const artifact = experiment.outputs.find((o) => o.name === name);
  if (artifact === undefined) {
    throw new CrystallizeError(
      `Experiment '${experiment.name}' declares no output '${name}'; it declares ${
        listNames(experiment.outputs)
      } (add it with .outputs([new Artifact("${name}")]))`,
    );
  }
  return {
    experiment: experiment.name,
    artifact: name,
    format: artifact.format,
    root: experiment.storage?.root ?? outputRoot(experiment),
  };
}
