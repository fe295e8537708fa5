/**
 * Runs the two-experiment graph in this folder: `producer` first, then
 * `consumer`, which reads the producer's stored `readings` artifact. With
 * `--resume`, experiments whose stored run is complete and unchanged are not
 * run again.
 *
 * Run: `deno run --allow-read=. --allow-write=examples/dag --allow-env=LOG_TOKENS,LOG_STREAM
 * --allow-run=git examples/dag/main.ts [--resume]`
 * @module
 */
import { fileURLToPath } from "node:url";
import { ExperimentGraph } from "../../mod.ts";

if (import.meta.main) {
  const graph = await ExperimentGraph.fromYaml(fileURLToPath(new URL(".", import.meta.url)));
  console.log(graph.toString());
  const results = await graph.run({
    strategy: Deno.args.includes("--resume") ? "resume" : undefined,
    onEvent: (e) => {
      if (e.type.startsWith("experiment-")) console.log(`${e.type}: ${e.experiment}`);
    },
  });
  for (const result of Object.values(results)) console.log(result.toString());
}
