/**
 * The experiments a listed entry runs, as the run screen's tree and details
 * need them, read without running code: names, folders and steps from
 * `config.yaml` (a graph's in dependency order), and their stored versions
 * (whose provenance says which steps cache).
 * @module
 */
import { join } from "../../path.ts";
import { configEntries, type ConfigFile, readConfigFile } from "../../config/folder_config.ts";
import { listRuns, loadRun } from "../../storage/stored_run.ts";
import type { ListEntry } from "../commands/list.ts";
import { experimentStore } from "../experiment_store.ts";
import { graphClosure } from "../graph_closure.ts";
import { entryFolder, entryStore } from "./entry_target.ts";
import { unitTime } from "./estimate.ts";
import type { VersionResult } from "./history.ts";
import type { MemberFacts } from "./model.ts";

/** Stored versions read per experiment, newest first (History and the estimate). */
const VERSIONS_READ = 20;

/** One experiment an entry runs. */
export interface EntryMember {
  /** Experiment name. */
  readonly name: string;
  /** Its `config.yaml`, for folder experiments. */
  readonly configFile?: string;
  /** Its steps in order, and whether their code caches them when a stored run tells. */
  readonly steps: readonly { readonly name: string; readonly cacheable: boolean | undefined }[];
  /** Replicates per condition (config.yaml's, or the entry's for one that reads others). */
  readonly replicates: number;
  /** Its finished stored versions, newest first. */
  readonly versions: readonly VersionResult[];
}

/**
 * The entry's experiments: a folder experiment, a graph's experiments in
 * dependency order (producers first), or a module's experiment (its steps
 * known from its newest stored run only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "../commands/new.ts";
 * import { listExperiments } from "../commands/list.ts";
 * import { entryMembers } from "./entry_members.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const [entry] = (await listExperiments(dir)).experiments;
 * const [member] = await entryMembers(entry);
 * assert.deepEqual(member.steps.map((s) => s.name), ["add_delta", "record_total"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function entryMembers(entry: ListEntry): Promise<EntryMember[]> {
  const folder = entryFolder(entry);
  if (folder === undefined) {
    const versions = await storedVersions(await entryStore(entry));
    return [{
      name: entry.name,
      steps: storedSteps([], versions),
      replicates: entry.replicates,
      versions,
    }];
  }
  const files = entry.kind === "graph"
    ? dependencyOrder(await graphClosure(folder))
    : [await readConfigFile(folder)];
  return await Promise.all(files.map(async (file) => {
    const versions = await storedVersions((await experimentStore(file.folder, undefined)).runs);
    const named = configEntries(file.config.steps).map(([, call]) =>
      typeof call === "string" ? call : Object.keys(call)[0] ?? ""
    );
    return {
      name: file.name,
      configFile: file.file,
      steps: storedSteps(named, versions),
      // An experiment reading others runs as many replicates as the runs it reads.
      replicates: Object.keys(file.references).length > 0
        ? entry.replicates
        : file.config.replicates ?? 1,
      versions,
    };
  }));
}

/**
 * An experiment's finished versions in `store`, newest first (at most
 * {@linkcode VERSIONS_READ}); versions that cannot be read are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storedVersions } from "./entry_members.ts";
 *
 * const store = await Deno.makeTempDir(); // no version folder in it yet
 * assert.deepEqual(await storedVersions(store), []);
 * await Deno.remove(store);
 * ```
 */
export async function storedVersions(store: string): Promise<VersionResult[]> {
  const complete = listRuns(store).filter((r) => r.complete)
    .sort((a, b) => b.version - a.version).slice(0, VERSIONS_READ);
  const read = await Promise.all(complete.map(async ({ version }) => {
    const stored = await loadRun(join(store, `v${version}`)).catch(() => undefined);
    return stored === undefined ? [] : [{ version, result: stored.result }];
  }));
  return read.flat();
}

/** Step names as the newest stored run knew them (its code's names), with their cacheability. */
function storedSteps(
  named: readonly string[],
  versions: readonly VersionResult[],
): EntryMember["steps"] {
  const pipeline = versions[0]?.result.provenance.pipeline.steps;
  if (pipeline === undefined) return named.map((name) => ({ name, cacheable: undefined }));
  return pipeline.map((s) => ({ name: s.name, cacheable: s.cacheable }));
}

/** Producers before the experiments that read them. */
function dependencyOrder(files: readonly ConfigFile[]): ConfigFile[] {
  const placed: ConfigFile[] = [];
  const left = [...files];
  while (left.length > 0) {
    const names = new Set(left.map((f) => f.name));
    const ready = left.filter((f) =>
      Object.values(f.references).every((r) =>
        !names.has(r.split("#")[0]) || r.split("#")[0] === f.name
      )
    );
    // A cycle (the runner reports it): keep the rest in closure order.
    const next = ready.length > 0 ? ready : left;
    placed.push(...next);
    for (const f of next) left.splice(left.indexOf(f), 1);
  }
  return placed;
}

/**
 * What the run screen and the details panel keep of a member's stored runs:
 * the time per replicate and condition, the versions, each step's mean time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memberFacts } from "./entry_members.ts";
 *
 * const facts = memberFacts({ name: "demo", steps: [], replicates: 3, versions: [] });
 * assert.deepEqual(facts.stored, { count: 0, newest: undefined });
 * ```
 */
export function memberFacts(member: EntryMember): MemberFacts {
  const newest = member.versions[0];
  return {
    name: member.name,
    ...(member.configFile === undefined ? {} : { configFile: member.configFile }),
    replicates: member.replicates,
    unit: unitTime(member.versions),
    stored: { count: member.versions.length, newest: newest?.version },
    stepMs: Object.fromEntries(
      (newest?.result.provenance.timings.steps ?? []).map((s) => [s.step, s.meanMs]),
    ),
  };
}
