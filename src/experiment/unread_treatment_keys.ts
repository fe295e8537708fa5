import { displayPath } from "../config/config_error.ts";
import { didYouMean } from "../did_you_mean.ts";
import type { ContextReader } from "../pipeline/context_readers.ts";
import type { Treatment } from "../run/treatment.ts";

/**
 * Something {@linkcode Experiment.validate} found that does not stop a run
 * but makes it measure less than it seems to: a treatment value nothing
 * reads, so the treatment is the baseline under another name.
 */
export interface ValidationWarning {
  /** The treatment it is about. */
  readonly treatment: string;
  /** The context key the treatment sets. */
  readonly key: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** How the fixes are worded: an experiment built in code and a config.yaml say it differently. */
export interface FixWording {
  /** How to stop `reader` fixing `key`, e.g. "remove delta: 0 from step add_delta in config.yaml". */
  unfix(reader: ContextReader, key: string): string;
  /** Where a treatment's values are written, e.g. "treatments.boost in config.yaml". */
  treatmentAt(treatment: string): string;
}

/**
 * The wording for experiments built in code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CODE_WORDING } from "./unread_treatment_keys.ts";
 *
 * assert.equal(CODE_WORDING.treatmentAt("boost"), "treatment 'boost'");
 * ```
 */
export const CODE_WORDING: FixWording = {
  unfix: (reader, key) =>
    `call the factory of ${reader.owner} without ${key} (it is given { ${key}: ${
      valueText(reader.fixed[key])
    } })`,
  treatmentAt: (treatment) => `treatment '${treatment}'`,
};

/**
 * The wording for a folder experiment: fixes name the entries of its
 * `config.yaml`, where its steps' parameters and treatments are set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configWording } from "./unread_treatment_keys.ts";
 *
 * assert.equal(configWording("/exp/config.yaml").treatmentAt("boost"), "treatments.boost in /exp/config.yaml");
 * ```
 */
export function configWording(configFile: string): FixWording {
  const file = displayPath(configFile);
  return {
    unfix: (reader, key) =>
      `remove ${key}: ${
        valueText(reader.fixed[key])
      } from ${reader.kind} ${reader.name} in ${file}`,
    treatmentAt: (treatment) => `treatments.${treatment} in ${file}`,
  };
}

/**
 * One warning per key a value treatment sets that no step or datasource can
 * read: every one that declares it as a parameter has it fixed explicitly
 * (explicit parameters win over the context), or none declares it. A key
 * written as a string literal in a step's or datasource's code counts as
 * read (`ctx.get("model")`). Function treatments are not checked: what they
 * add is only known when they run. Nothing is reported when a reader depends
 * on the condition itself (`ctx.condition`, an `ExperimentInput`): every
 * treatment changes its results.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treatment } from "@crystallize/deno";
 * import { paramReader } from "../pipeline/context_readers.ts";
 * import { CODE_WORDING, unreadTreatmentKeys } from "./unread_treatment_keys.ts";
 *
 * const fn = (d: number[]) => d;
 * // add_delta declares delta but fixes it explicitly, so the treatment's value is never read.
 * const readers = [paramReader("step", "add_delta", { delta: 0 }, { delta: 0 }, fn)];
 * assert.equal(unreadTreatmentKeys(readers, [treatment("boost", { delta: 1 })], CODE_WORDING)[0].key, "delta");
 * ```
 */
export function unreadTreatmentKeys(
  readers: readonly ContextReader[],
  treatments: readonly Treatment[],
  wording: FixWording,
): ValidationWarning[] {
  // Results that depend on the condition's name change with every treatment, whatever it sets.
  if (readers.some((r) => r.readsCondition)) return [];
  const open = new Set(readers.flatMap((r) => r.open));
  const declared = new Set(readers.flatMap((r) => [...r.open, ...Object.keys(r.fixed)]));
  const warnings: ValidationWarning[] = [];
  for (const t of treatments) {
    for (const key of Object.keys(t.values)) {
      if (open.has(key) || readers.some((r) => mentions(r.code, key))) continue;
      const fixing = readers.filter((r) => Object.hasOwn(r.fixed, key));
      const meant = didYouMean(key, declared);
      const message = fixing.length > 0
        ? `treatment '${t.name}' sets '${key}', but ${ownersText(fixing)} ${
          fixing.length > 1 ? "fix" : "fixes"
        } it explicitly, so the treatment changes nothing; ${
          fixing.map((r) => wording.unfix(r, key)).join(" and ")
        } so the treatment can set it`
        : `treatment '${t.name}' sets '${key}', but no step or datasource declares it as a parameter ` +
          `or reads it in its code, so the treatment changes nothing; ${
            meant === undefined ? "" : `rename it to '${meant}' if that was meant, `
          }declare it in a step's params, or remove it from ${wording.treatmentAt(t.name)}`;
      warnings.push({ treatment: t.name, key, message });
    }
  }
  return warnings;
}

/**
 * A value as a fix quotes it: JSON, which reads the same in code and in YAML.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueText } from "./unread_treatment_keys.ts";
 *
 * assert.equal(valueText(0), "0");
 * assert.equal(valueText("fast"), '"fast"');
 * ```
 */
export function valueText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Whether `code` holds `key` as a string literal, as `ctx.get("key")` does. */
function mentions(code: string, key: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`["'\`]${escaped}["'\`]`).test(code);
}

function ownersText(readers: readonly ContextReader[]): string {
  if (readers.length === 1) return readers[0].owner;
  const names = readers.map((r) => r.owner);
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
