import { resolvePath } from "../../resolve_path.ts";
import { listRuns, loadRun } from "../../storage/stored_run.ts";
import type { ReportExperiment, ReportInput } from "../../report/report_input.ts";
import { atomicWriteSync } from "../../storage/atomic_write.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { type GraphMember, graphMembers } from "../experiment_store.ts";
import { explainResult } from "../explain.ts";
import { printable } from "../printable.ts";
import { storedRun, storedVersions } from "../stored_runs.ts";
import { dependencyOrder } from "./graph.ts";

/** Options of `crystallize report`. */
export interface ReportOptions {
  /** Where to write the page; default `report.html` in the working directory. */
  readonly out?: string;
  /** A version instead of the latest. */
  readonly version?: number;
  /** Every finished version, conditions shown as `treatment (vN)`. */
  readonly allVersions?: boolean;
}

/**
 * What a report of `raw` shows, read from stored runs (no code runs): one
 * experiment (a folder experiment, a store, a version folder or a name, as
 * for `show`), or for a folder of experiment folders every experiment in
 * run order with the dependency graph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { reportInputOf } from "./report.ts";
 * import { runCommand } from "./run.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true });
 * const input = await reportInputOf(`${dir}/demo`, {});
 * assert.deepEqual(input.experiments.map((e) => e.runs.length), [1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function reportInputOf(raw: string, options: ReportOptions): Promise<ReportInput> {
  if (options.allVersions && options.version !== undefined) {
    throw new CliError("--all-versions and --version exclude each other; give one");
  }
  const members = options.version === undefined ? await graphMembers(raw) : undefined;
  if (members !== undefined) return await graphInput(raw, members, options);
  const stored = options.allVersions
    ? await storedVersions(raw)
    : [await storedRun(raw, options.version)];
  const name = stored.at(-1)!.experiment;
  return {
    title: `${name}: Crystallize report`,
    experiments: [{ name, runs: stored.map((s) => ({ result: s.result, version: s.version })) }],
  };
}

async function graphInput(
  raw: string,
  members: readonly GraphMember[],
  options: ReportOptions,
): Promise<ReportInput> {
  const broken = members.find((m) => m.error !== undefined);
  if (broken !== undefined) {
    throw new CliError(`${broken.folder}/config.yaml has errors: ${broken.error}`);
  }
  const order = dependencyOrder(members);
  const byName = new Map(members.map((m) => [m.name, m]));
  const experiments: ReportExperiment[] = [];
  for (const name of order) {
    const finished = listRuns(byName.get(name)!.runs!).filter((r) => r.complete);
    const picked = options.allVersions ? finished : finished.slice(-1);
    const runs = [];
    for (const r of picked) {
      const stored = await loadRun(r.dir).catch((error: Error) => {
        throw new CliError(error.message);
      });
      runs.push({ result: explainResult(stored.result), version: stored.version });
    }
    experiments.push({ name, runs });
  }
  return {
    title: `${raw}: Crystallize report`,
    experiments,
    graph: {
      nodes: order,
      edges: members.flatMap((m) =>
        Object.values(m.inputs).map((ref) => ({
          from: ref.split("#")[0],
          to: m.name,
          artifact: ref.split("#").slice(1).join("#"),
        }))
      ),
    },
  };
}

/**
 * Writes `html` to `out` (a file, or `report.html` inside a folder)
 * atomically — a temporary file renamed over it, so a link planted at
 * that path is replaced, never followed — and returns the path written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeReport } from "./report.ts";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(await writeReport("<!doctype html>", dir), `${dir}/report.html`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReport(html: string, out = "report.html"): Promise<string> {
  let path = resolvePath(out);
  const info = await Deno.lstat(path).catch(() => undefined);
  if (info?.isDirectory) path = resolvePath(path, "report.html");
  try {
    atomicWriteSync(path, new TextEncoder().encode(html));
  } catch (error) {
    throw new CliError(
      `cannot write the report to ${path}: ${(error as Error).message}; pick another --out`,
    );
  }
  return path;
}

/**
 * `crystallize report <experiment|store|version>`: one self-contained HTML
 * page (plots drawn as SVG, no script, loads nothing) of the stored run —
 * the latest, `--version N`, or every version with `--all-versions` — or,
 * for a folder of experiment folders, of every experiment and the graph.
 * Prints the path written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { reportCommand } from "./report.ts";
 * import { runCommand } from "./run.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true });
 * assert.equal(await reportCommand(`${dir}/demo`, { out: `${dir}/demo.html` }), 0);
 * assert.match(await Deno.readTextFile(`${dir}/demo.html`), /<svg /);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function reportCommand(raw: string, options: ReportOptions): Promise<ExitCode> {
  const input = await reportInputOf(raw, options);
  const { htmlReport } = await import("../../report/html_report.ts");
  const path = await writeReport(await htmlReport(input), options.out);
  console.log(printable(`wrote ${path}`));
  return EXIT.OK;
}
