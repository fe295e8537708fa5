import { printableData } from "../printable.ts";
import { dirname } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { pathOfFileUrl } from "../../file_url.ts";
import { readConfigFile } from "../../config/folder_config.ts";
import { discover } from "../discover.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { colored } from "../entry_color.ts";
import { graphClosure, graphReplicates } from "../graph_closure.ts";
import { inspectModules } from "../module_inspection.ts";
import { fileUrl } from "../sandbox.ts";

/** One experiment in a listing. */
export interface ListEntry {
  /** How to run it: a folder relative to the working directory, or `file.ts#export`. */
  readonly target: string;
  /** Experiment (or graph) name. */
  readonly name: string;
  /** `"folder"`, `"module"` or `"graph"`. */
  readonly kind: "folder" | "module" | "graph";
  /** Group heading. */
  readonly group: string;
  /** Order within the group, lower first. */
  readonly priority: number;
  /** Icon. */
  readonly icon: string;
  /** Whether config.yaml hides it. */
  readonly hidden: boolean;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Description. */
  readonly description: string;
  /** Colour of the entry (`cli.color`: `#rrggbb`, `#rgb` or a colour name), if any. */
  readonly color?: string;
}

/**
 * One entry of the list: icon, target, name, kind, replicates, description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryLine, type ListEntry } from "./list.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * assert.equal(entryLine(entry), "🧪 experiments/demo  demo · 10 replicates · Does adding delta raise the total?");
 * ```
 */
export function entryLine(entry: ListEntry): string {
  const kind = entry.kind === "graph" ? " (graph)" : "";
  const replicates = `${entry.replicates} replicate${entry.replicates === 1 ? "" : "s"}`;
  const description = entry.description ? ` · ${entry.description}` : "";
  return `${entry.icon} ${entry.target}  ${entry.name}${kind} · ${replicates}${description}`;
}

/** What `list` found. */
export interface Listing {
  /** Experiments, ordered: groups alphabetically, then priority, then target. */
  readonly experiments: readonly ListEntry[];
  /** Files that could not be read or loaded, with why. */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

/**
 * Entries in listing order: groups alphabetically, then priority, then target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderEntries } from "./list.ts";
 *
 * const entry = (target: string, group: string, priority: number) => ({
 *   target, name: target, kind: "folder" as const, group, priority, icon: "🧪", hidden: false,
 *   replicates: 1, description: "",
 * });
 * const ordered = orderEntries([entry("z", "Beta", 1), entry("b", "Alpha", 2), entry("a", "Alpha", 5)]);
 * assert.deepEqual(ordered.map((e) => e.target), ["b", "a", "z"]); // group, then priority, then path
 * ```
 */
export function orderEntries(entries: readonly ListEntry[]): ListEntry[] {
  return entries.toSorted((a, b) =>
    a.group.localeCompare(b.group) || a.priority - b.priority || a.target.localeCompare(b.target)
  );
}

/**
 * Finds the experiments below `dir`: config.yaml files are read here (no
 * code runs); modules that may export experiments are imported in a
 * sandboxed runner that may read `dir` and nothing else — no writes, no
 * network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { listExperiments } from "./list.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const { experiments, errors } = await listExperiments(dir);
 * assert.deepEqual(experiments.map((e) => e.name), ["demo"]);
 * assert.deepEqual(errors, []);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function listExperiments(dir: string): Promise<Listing> {
  const root = resolvePath(dir);
  const found = await discover(root);
  const experiments: ListEntry[] = [];
  const errors: { path: string; message: string }[] = [];
  for (const config of found.configs) {
    try {
      const file = await readConfigFile(config);
      const graph = Object.keys(file.references).length > 0;
      experiments.push({
        target: relativePath(Deno.cwd(), dirname(config)) || ".",
        name: file.name,
        kind: graph ? "graph" : "folder",
        group: file.cli.group,
        priority: file.cli.priority,
        icon: file.cli.icon,
        hidden: file.cli.hidden,
        // A graph runs as many replicates as the runs it reads.
        replicates: graph
          ? graphReplicates(await graphClosure(file.folder))
          : file.config.replicates ?? 1,
        description: file.config.description ?? "",
        ...(file.cli.color ? { color: file.cli.color } : {}),
      });
    } catch (error) {
      errors.push({ path: relativePath(Deno.cwd(), config), message: (error as Error).message });
    }
  }
  if (found.modules.length > 0) {
    const inspected = await inspectModules(root, found.modules.map(fileUrl));
    for (const e of inspected.found) {
      const file = relativePath(Deno.cwd(), pathOfFileUrl(e.module));
      experiments.push({
        target: e.exportName === "default" ? file : `${file}#${e.exportName}`,
        name: e.name,
        kind: e.kind === "graph" ? "graph" : "module",
        group: e.kind === "graph" ? "Graphs" : "Experiments",
        priority: 999,
        icon: e.kind === "graph" ? "📈" : "🧪",
        hidden: false,
        replicates: e.replicates,
        description: e.description ?? "",
      });
    }
    errors.push(...inspected.failed);
  }
  // Names, descriptions and messages come from experiments: no control characters reach the terminal.
  return printableData({ experiments: orderEntries(experiments), errors });
}

/**
 * `crystallize list [dir]`: prints the experiments grouped by their `cli:`
 * group (hidden ones only with `--all`), then load errors. Exit code 2 when
 * something could not be loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { listCommand } from "./list.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * assert.equal(await listCommand(dir, { json: true }), 0); // prints the listing as JSON
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function listCommand(
  dir: string,
  options: { readonly all?: boolean; readonly json?: boolean },
): Promise<ExitCode> {
  const listing = await listExperiments(dir);
  const shown = listing.experiments.filter((e) => options.all || !e.hidden);
  const code = listing.errors.length > 0 ? EXIT.USAGE : EXIT.OK;
  if (options.json) {
    console.log(JSON.stringify({ experiments: shown, errors: listing.errors }, null, 2));
    return code;
  }
  const color = Deno.stdout.isTerminal() && !Deno.noColor;
  let group: string | undefined;
  for (const e of shown) {
    if (e.group !== group) {
      group = e.group;
      console.log(`${group}`);
    }
    console.log(`  ${colored(entryLine(e), e.color, color)}`);
  }
  if (shown.length === 0) console.log(`no experiments below ${dir}`);
  if (listing.errors.length > 0) {
    console.log("Errors");
    for (const e of listing.errors) console.log(`  ${e.path}: ${e.message}`);
  }
  return code;
}
