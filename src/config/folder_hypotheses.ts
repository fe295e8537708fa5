import { CrystallizeError } from "../errors.ts";
import { Hypothesis, type TreatmentVerdict } from "../verify/hypothesis.ts";
import type { Verifier, VerifierFactory } from "../verify/verifier.ts";
import type { ConfigIssue } from "./config_error.ts";
import { BUILT_IN_VERIFIERS, VERIFIER_KIND } from "./factory_kinds.ts";
import { configEntries, type ConfigFile, type HypothesisConfig } from "./folder_config.ts";
import {
  checkParams,
  type FactoryCall,
  factoryCall,
  findFactory,
  type FolderModules,
  type FoundFactory,
} from "./folder_modules.ts";
import type { ParamDefaults } from "../pipeline/declared_params.ts";

const BUILT_IN_NAMES = ["welch", "student_t", "mann_whitney"];

/**
 * The `hypotheses` of a config. A verifier name is looked up among the
 * exports of `verifiers.ts`, then among the built-in ready verifiers
 * (`welch`, `student_t`, `mann_whitney`); its parameters are checked.
 * `rank_by` names a function exported from `verifiers.ts` or a numeric field
 * of the verifier's output (`-field` ranks higher values first). Problems are
 * added to `issues`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { readConfigFile } from "./folder_config.ts";
 * import { buildHypotheses } from "./folder_hypotheses.ts";
 * import { FolderModules } from "./folder_modules.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const issues: ConfigIssue[] = [];
 * const hypotheses = await buildHypotheses(file, new FolderModules(folder, file.source), issues);
 * assert.deepEqual(hypotheses.map((h) => h.name), ["smoother_is_better", "biggest_drop"]);
 * ```
 */
export async function buildHypotheses(
  file: ConfigFile,
  modules: FolderModules,
  issues: ConfigIssue[],
): Promise<Hypothesis[]> {
  const out: Hypothesis[] = [];
  const names = new Map<string, number>();
  const list = file.config.hypotheses ?? [];
  for (const [index, spec] of configEntries(list)) {
    const path = ["hypotheses", index];
    const call = factoryCall(spec.verifier, [...path, "verifier"]);
    const verifier = await buildVerifier(file, modules, call, issues);
    const rankBy = spec.rank_by === undefined
      ? undefined
      : await buildRanker(file, modules, spec, [...path, "rank_by"], issues);
    const name = spec.name ?? call.name;
    const earlier = names.get(name);
    if (earlier !== undefined) {
      issues.push(file.source.issue(
        spec.name === undefined ? path : [...path, "name"],
        `hypotheses[${earlier}] and hypotheses[${index}] are both named '${name}'; give each a distinct name`,
      ));
      continue;
    }
    names.set(name, index);
    if (verifier === undefined || rankBy === null) continue;
    out.push(
      new Hypothesis({
        name,
        verifier,
        metrics: spec.metrics,
        rankBy,
        ...(spec.rank_by === undefined ? {} : { rankByLabel: rankLabel(spec.rank_by) }),
        correction: spec.correction,
      }),
    );
  }
  const treated = Object.keys(file.config.treatments ?? {}).filter((t) => t !== "baseline");
  // An experiment reading others may inherit their treatments in a graph.
  const inherits = Object.keys(file.references).length > 0;
  // A treatment the schema refused is declared, only wrongly: that is reported already.
  const refused = file.refusedSections.has("treatments");
  if (configEntries(list).length > 0 && treated.length === 0 && !inherits && !refused) {
    issues.push(file.source.issue(
      ["hypotheses"],
      "hypotheses compare treatments with the baseline, but no treatment is declared; add one under treatments",
      { key: true },
    ));
  }
  return out;
}

async function buildVerifier(
  file: ConfigFile,
  modules: FolderModules,
  call: FactoryCall,
  issues: ConfigIssue[],
): Promise<Verifier | undefined> {
  const builtIn = Object.hasOwn(BUILT_IN_VERIFIERS, call.name)
    ? BUILT_IN_VERIFIERS[call.name]
    : undefined;
  let found: FoundFactory<VerifierFactory<ParamDefaults>> | undefined;
  if (modules.has("verifiers")) {
    const exports = await modules.load("verifiers", call.namePath, issues);
    if (exports === undefined) return undefined;
    const lookup: ConfigIssue[] = [];
    found = findFactory(exports, VERIFIER_KIND, call, file.source, lookup, BUILT_IN_NAMES);
    if (found === undefined && builtIn === undefined) {
      issues.push(...lookup);
      return undefined;
    }
  } else if (builtIn === undefined) {
    issues.push(file.source.issue(
      call.namePath,
      `verifier '${call.name}' is not built in (${
        BUILT_IN_NAMES.join(", ")
      }) and there is no verifiers.ts next to config.yaml to export it from; ` +
        `create verifiers.ts with export const ${call.name} = verifier(...)`,
      { key: call.isKey },
    ));
    return undefined;
  }
  const owner = `verifier '${call.name}'`;
  const defaults = found?.factory.defaults ?? builtIn!.defaults;
  if (!checkParams(owner, defaults, call, file.source, issues)) return undefined;
  try {
    return found !== undefined ? found.factory(call.params) : builtIn!.build(call.params);
  } catch (error) {
    issues.push(file.source.issue(call.namePath, (error as Error).message, { key: call.isKey }));
    return undefined;
  }
}

/** What a `rank_by` ranks by: `-effectSize` → "highest effectSize", `score` → "lowest score". */
function rankLabel(rankBy: string): string {
  return rankBy.startsWith("-") ? `highest ${rankBy.slice(1)}` : `lowest ${rankBy}`;
}

/** The ranker, `undefined` for the default, `null` after an issue. */
async function buildRanker(
  file: ConfigFile,
  modules: FolderModules,
  spec: HypothesisConfig,
  path: (string | number)[],
  issues: ConfigIssue[],
): Promise<((verdict: TreatmentVerdict) => number) | null> {
  const rankBy = spec.rank_by!;
  const exported = modules.has("verifiers")
    ? (await modules.load("verifiers", path, issues))?.[rankBy]
    : undefined;
  if (typeof exported === "function") {
    return exported as (verdict: TreatmentVerdict) => number;
  }
  const descending = rankBy.startsWith("-");
  const field = descending ? rankBy.slice(1) : rankBy;
  if (!/^[A-Za-z_$][\w$]*$/.test(field)) {
    issues.push(file.source.issue(
      path,
      `rank_by '${rankBy}' is neither a function exported from verifiers.ts nor a field of the verifier's output (such as pValue, or -effectSize to rank higher first)`,
    ));
    return null;
  }
  const where = `${file.source.file}:${file.source.position(path).line}`;
  return (verdict) => {
    const value = verdict[field];
    if (typeof value !== "number") {
      throw new CrystallizeError(
        `rank_by '${rankBy}' (${where}): the verifier's output for '${verdict.treatment}' has no numeric '${field}' ` +
          `(it has: ${
            Object.keys(verdict).join(", ")
          }); pick one of those or export a ranking function from verifiers.ts`,
      );
    }
    return descending ? -value : value;
  };
}
