/**
 * A value a step can record as a metric: JSON-like data, so results can be
 * saved, compared and sent between workers unchanged. Hypotheses use the
 * numeric ones.
 */
export type MetricValue =
  | number
  | string
  | boolean
  | null
  | readonly MetricValue[]
  | { readonly [key: string]: MetricValue };

/** Tags attached to one recorded value (e.g. `{ split: "test" }`). */
export type MetricTags = Readonly<Record<string, string | number | boolean>>;

/**
 * The metrics of one replicate of one condition: an append-only list of values
 * per metric name. Appending is the one mutation a frozen context allows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MetricsLog } from "@crystallize/deno";
 *
 * const m = new MetricsLog();
 * m.add("loss", 0.5);
 * m.add("loss", 0.25, { epoch: 2 });
 * assert.deepEqual(m.get("loss"), [0.5, 0.25]);
 * assert.deepEqual(m.tags("loss"), [{}, { epoch: 2 }]);
 * ```
 */
export class MetricsLog {
  // A plain object (not null-prototype): V8 keeps it in fast mode, which
  // halves the memory of each replicate's outcome. "__proto__" is refused.
  readonly #values: Record<string, MetricValue[]> = {};
  #tags: Record<string, MetricTags[]> | undefined;

  /** Appends `value` to the metric `name`, with optional tags. */
  add(name: string, value: MetricValue, tags?: MetricTags): void {
    const list = Object.hasOwn(this.#values, name) ? this.#values[name] : undefined;
    if (list === undefined) {
      if (name === "__proto__") throw new TypeError('"__proto__" cannot be a metric name');
      this.#values[name] = [value];
    } else list.push(value);
    if (tags !== undefined || this.#tags?.[name] !== undefined) this.#addTags(name, tags ?? {});
  }

  /** The values recorded under `name`, oldest first (empty when none). */
  get(name: string): readonly MetricValue[] {
    return Object.hasOwn(this.#values, name) ? this.#values[name] : [];
  }

  /** Whether anything was recorded under `name`. */
  has(name: string): boolean {
    return Object.hasOwn(this.#values, name);
  }

  /** The tags of each value of `name`, in the order the values were added (`{}` when untagged). */
  tags(name: string): readonly MetricTags[] {
    if (!this.has(name)) return [];
    const values = this.#values[name];
    const tags = this.#tags?.[name];
    return values.map((_, i) => tags?.[i] ?? {});
  }

  /** The names recorded so far, in first-recorded order. */
  names(): string[] {
    return Object.keys(this.#values);
  }

  /** The values as a plain object `{name: values}` (the live arrays: do not mutate). */
  toObject(): Readonly<Record<string, readonly MetricValue[]>> {
    return this.#values;
  }

  /** How many values each metric holds now: pass it to {@linkcode MetricsLog.since}. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name in this.#values) out[name] = this.#values[name].length;
    return out;
  }

  /**
   * The values and tags recorded after `counts` was taken, per metric.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MetricsLog } from "@crystallize/deno";
   *
   * const m = new MetricsLog();
   * const before = m.counts();
   * m.add("loss", 0.5);
   * assert.deepEqual(m.since(before), [["loss", [0.5], [{}]]]);
   * ```
   */
  since(counts: Readonly<Record<string, number>>): [string, MetricValue[], MetricTags[]][] {
    const out: [string, MetricValue[], MetricTags[]][] = [];
    for (const name in this.#values) {
      const from = counts[name] ?? 0;
      const values = this.#values[name];
      if (values.length > from) {
        out.push([name, values.slice(from), this.tags(name).slice(from)]);
      }
    }
    return out;
  }

  #addTags(name: string, tags: MetricTags): void {
    this.#tags ??= Object.create(null) as Record<string, MetricTags[]>;
    const list = this.#tags[name] ??= [];
    // Values added before the first tagged one get empty tags.
    while (list.length < this.#values[name].length - 1) list.push({});
    list.push(tags);
  }
}
