/**
 * A name (step, condition, experiment) usable as one path segment: characters
 * other than letters, digits, `.`, `_` and `-` become `_`, and `.`/`..` are
 * never returned.
 *
 * @example
 * ```ts
 * safeName("lr=0.1/fast"); // "lr_0.1_fast"
 * ```
 */
export function safeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_");
  return safe === "" || safe === "." || safe === ".." ? `_${safe}` : safe;
}
