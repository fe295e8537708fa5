import { dirname } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { readConfigFile } from "../../config/folder_config.ts";
import { CliError } from "../cli_error.ts";
import { discover } from "../discover.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";

/** A folder experiment in a graph and the outputs it reads. */
export interface GraphNode {
  /** Experiment name. */
  readonly name: string;
  /** Its folder, relative to the working directory. */
  readonly folder: string;
  /** `experiment#artifact` references it reads, by datasource alias. */
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * The nodes in dependency order (producers first). A reference to an
 * experiment that is not there, or a cycle (shown as its path), throws a
 * {@linkcode CliError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dependencyOrder, type GraphNode } from "./graph.ts";
 *
 * const nodes: GraphNode[] = [{ name: "b", folder: "b", inputs: { x: "a#x" } }, { name: "a", folder: "a", inputs: {} }];
 * assert.deepEqual(dependencyOrder(nodes), ["a", "b"]);
 * ```
 */
export function dependencyOrder(nodes: readonly GraphNode[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const upstream = (
    n: GraphNode,
  ) => [...new Set(Object.values(n.inputs).map((r) => r.split("#")[0]))];
  for (const n of nodes) {
    for (const u of upstream(n)) {
      if (!byName.has(u)) {
        throw new CliError(
          `experiment '${n.name}' (${n.folder}) reads '${u}', which is not among ${
            [...byName.keys()].map((k) => `'${k}'`).join(", ")
          }`,
        );
      }
    }
  }
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new CliError(`the experiments form a cycle: ${cycle.join(" -> ")}`);
    }
    state.set(name, "visiting");
    for (const u of upstream(byName.get(name)!)) visit(u, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const n of nodes) visit(n.name, []);
  return order;
}

/**
 * `crystallize graph <dir>`: reads every config.yaml below `dir` (no code
 * runs) and prints each experiment with the outputs it reads, then the run
 * order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphCommand } from "./graph.ts";
 *
 * const dag = new URL("../../../examples/dag", import.meta.url).pathname;
 * assert.equal(await graphCommand(dag, { json: true }), 0); // prints producer -> consumer as JSON
 * ```
 */
export async function graphCommand(
  dir: string,
  options: { readonly json?: boolean },
): Promise<ExitCode> {
  const { configs } = await discover(resolvePath(dir));
  if (configs.length === 0) throw new CliError(`no config.yaml below ${dir}`);
  const nodes: GraphNode[] = [];
  for (const config of configs) {
    const file = await readConfigFile(config).catch((e: Error) => {
      throw new CliError(e.message);
    });
    nodes.push({
      name: file.name,
      folder: relativePath(Deno.cwd(), dirname(config)) || ".",
      inputs: file.references,
    });
  }
  const order = dependencyOrder(nodes);
  const edges = nodes.flatMap((n) =>
    Object.entries(n.inputs).map(([alias, ref]) => ({
      from: ref.split("#")[0],
      to: n.name,
      artifact: ref.split("#")[1],
      alias,
    }))
  );
  if (options.json) {
    console.log(JSON.stringify({ nodes, edges, order }, null, 2));
    return EXIT.OK;
  }
  for (const name of order) {
    const node = nodes.find((n) => n.name === name)!;
    const reads = Object.entries(node.inputs).map(([alias, ref]) => `${alias} ← ${ref}`);
    console.log(`${name}  (${node.folder})${reads.length ? `\n  reads ${reads.join(", ")}` : ""}`);
  }
  console.log(`Run order: ${order.join(" → ")}`);
  return EXIT.OK;
}
