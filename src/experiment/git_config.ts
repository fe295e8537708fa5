/**
 * The settings of a git config file as `section.key` → value (lower-cased
 * names; the last occurrence wins; a key without `=` is `"true"`). Only what
 * the dirty check reads is supported: sections with subsections
 * (`[remote "origin"]`) and `include`s are skipped, values are plain text.
 * Never executes anything — it is read as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGitConfig } from "./git_config.ts";
 *
 * assert.equal(parseGitConfig("[extensions]\n\tobjectFormat = sha256\n").get("extensions.objectformat"), "sha256");
 * ```
 */
export function parseGitConfig(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  let section: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[\s*([A-Za-z0-9.-]+)\s*(".*")?\s*\]/);
    if (header) {
      section = header[2] === undefined ? header[1].toLowerCase() : undefined;
      continue;
    }
    const setting = line.match(/^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/);
    if (section === undefined || !setting) continue;
    const value = (setting[2] ?? "true").replace(/\s+[#;].*$/, "").replace(/^"(.*)"$/, "$1");
    settings.set(`${section}.${setting[1].toLowerCase()}`, value.trim());
  }
  return settings;
}

/**
 * A git config boolean (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty),
 * or `fallback` when unset or not a boolean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitBoolean } from "./git_config.ts";
 *
 * assert.equal(gitBoolean("Off", true), false);
 * assert.equal(gitBoolean(undefined, true), true);
 * ```
 */
export function gitBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (["true", "yes", "on", "1"].includes(v)) return true;
  if (["false", "no", "off", "0", ""].includes(v)) return false;
  return fallback;
}
