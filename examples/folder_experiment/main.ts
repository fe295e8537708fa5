/**
 * Runs the folder experiment next to this file and prints its summary
 * (`crystallize run examples/folder_experiment` does the same).
 *
 * Run: `deno run --allow-read=. --allow-write=examples/folder_experiment/.crystallize
 * --allow-env=LOG_TOKENS,LOG_STREAM --allow-run=git examples/folder_experiment/main.ts`
 * @module
 */
import { fileURLToPath } from "node:url";
import { Experiment } from "../../mod.ts";

if (import.meta.main) {
  const experiment = await Experiment.fromYaml(fileURLToPath(new URL(".", import.meta.url)));
  const result = await experiment.run();
  console.log(result.toString());
  console.log(`stored in ${result.outputDir}`);
}
