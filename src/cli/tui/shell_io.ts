/**
 * What the terminal UI's shell reads and writes for its screens, one
 * function per effect: the details panel, the summary and history tabs, the
 * HTML report, the create screen's choices, and config.yaml saves.
 * @module
 */
import { join } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { readConfigFile } from "../../config/folder_config.ts";
import { atomicWriteSync } from "../../storage/atomic_write.ts";
import { listRuns, loadRun, StoredRunError } from "../../storage/stored_run.ts";
import type { ListEntry } from "../commands/list.ts";
import { reportInputOf, writeReport } from "../commands/report.ts";
import { explainForCli, explainResult } from "../explain.ts";
import { formatSummary } from "../summary.ts";
import { NEW_EXPERIMENTS_DIR } from "./create_form.ts";
import { type EntryMember, memberFacts } from "./entry_members.ts";
import { entryStore, entryTreatments } from "./entry_target.ts";
import { estimateLine } from "./estimate.ts";
import { historyLines } from "./history.ts";
import type { TuiAction } from "./messages.ts";

/**
 * The selection screen's details of an entry: what it is, its treatments,
 * its stored versions, and the estimated run time from past runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "../commands/new.ts";
 * import { listExperiments } from "../commands/list.ts";
 * import { entryMembers } from "./entry_members.ts";
 * import { detailsLines } from "./shell_io.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const [entry] = (await listExperiments(dir)).experiments;
 * const lines = await detailsLines(entry, await entryMembers(entry));
 * assert.equal(lines[0], "folder · treatments: add_one · 0 stored versions");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function detailsLines(
  entry: ListEntry,
  members: readonly EntryMember[],
): Promise<string[]> {
  const treatments = await entryTreatments(entry).catch(() => undefined);
  const conditions = 1 + (treatments?.length ?? 0);
  const stored = members.reduce((n, m) => n + m.versions.length, 0);
  const kind = entry.kind === "graph"
    ? `graph of ${members.map((m) => m.name).join(" → ")}`
    : entry.kind;
  const shown = treatments === undefined
    ? "as its code defines them"
    : treatments.join(", ") || "none";
  return [
    `${kind} · treatments: ${shown} · ${stored} stored version${stored === 1 ? "" : "s"}`,
    estimateLine(members.map((m) => ({
      experiment: m.name,
      replicates: m.replicates,
      conditions,
      unit: memberFacts(m).unit,
    }))),
  ];
}

/**
 * The History tab: each experiment's summary across its stored versions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyTab } from "./shell_io.ts";
 *
 * assert.deepEqual(historyTab([{ name: "demo", steps: [], replicates: 1, versions: [] }]), [
 *   "No finished run of demo is stored yet: press r to run it.",
 * ]);
 * ```
 */
export function historyTab(members: readonly EntryMember[]): string[] {
  return members.flatMap((m, i) => [...(i > 0 ? [""] : []), ...historyLines(m.name, m.versions)]);
}

/**
 * The summary tab: the entry's latest stored run as `crystallize show`
 * prints it, or how to get one.
 *
 * @example
 * ```ts ignore
 * // Not run: it reads the entry's stored runs.
 * import { summaryTab } from "./shell_io.ts";
 *
 * await summaryTab(entry); // ["Experiment 'demo' v0: 10 replicates per condition", ...]
 * ```
 */
export async function summaryTab(entry: ListEntry): Promise<string[]> {
  const store = await entryStore(entry);
  if (!listRuns(store).some((r) => r.complete)) {
    return [`No finished run of ${entry.name} is stored yet: press r to run it, then s.`];
  }
  const stored = await loadRun(store).catch((error) => {
    if (!(error instanceof StoredRunError)) throw error;
    throw new Error(explainForCli(error.message));
  });
  const result = explainResult(stored.result);
  return formatSummary({ ...result, outputDir: result.outputDir ?? stored.dir }).split("\n");
}

/**
 * Writes the HTML report of the entry's latest stored run into the working
 * directory; returns its path.
 *
 * @example
 * ```ts ignore
 * // Not run: it writes a file into the working directory.
 * import { writeEntryReport } from "./shell_io.ts";
 *
 * await writeEntryReport(entry); // "/work/demo-report.html"
 * ```
 */
export async function writeEntryReport(entry: ListEntry): Promise<string> {
  const input = await reportInputOf(await entryStore(entry), {});
  const { htmlReport } = await import("../../report/html_report.ts");
  // Names come from listings of experiment code: only file-name characters make the file name.
  const file = `${entry.name.replace(/[^\w.-]/g, "_")}-report.html`;
  return await writeReport(await htmlReport(input), join(Deno.cwd(), file));
}

/**
 * The create screen's choices: the outputs the experiments in
 * `<root>/experiments/` declare (`experiment#output`: a new experiment there
 * finds them by name), and the names taken there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createChoices } from "./shell_io.ts";
 *
 * const root = await Deno.makeTempDir(); // no experiments/ folder yet
 * assert.deepEqual(await createChoices(root, []), { type: "create-ready", available: [], taken: [] });
 * await Deno.remove(root);
 * ```
 */
export async function createChoices(
  root: string,
  entries: readonly ListEntry[],
): Promise<TuiAction> {
  const available: string[] = [];
  const dir = join(root, NEW_EXPERIMENTS_DIR);
  for (const entry of entries) {
    if (entry.kind === "module" || resolvePath(entry.target, "..") !== resolvePath(dir)) continue;
    const file = await readConfigFile(entry.target).catch(() => undefined);
    for (const alias of Object.keys(file?.config.outputs ?? {})) {
      available.push(`${file!.name}#${alias}`);
    }
  }
  const taken = await Array.fromAsync(Deno.readDir(dir), (e) => e.name).catch(() => []);
  return { type: "create-ready", available: [...new Set(available)].sort(), taken };
}

/**
 * Writes `text` to `file` atomically, unless the file changed since the
 * editor read it (`expected`): then nothing is written and the error says so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveConfig } from "./shell_io.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.yaml`, "replicates: 3\n");
 * await saveConfig(`${dir}/config.yaml`, "replicates: 4\n", "replicates: 3\n");
 * await assert.rejects(saveConfig(`${dir}/config.yaml`, "replicates: 5\n", "replicates: 3\n"), /changed on disk/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveConfig(file: string, text: string, expected: string): Promise<void> {
  if (await Deno.readTextFile(file) !== expected) {
    throw new Error(
      `${relativePath(Deno.cwd(), file)} changed on disk since it was opened: not saved; ` +
        "esc and open it again",
    );
  }
  atomicWriteSync(file, new TextEncoder().encode(text));
}
