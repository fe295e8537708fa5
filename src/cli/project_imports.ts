/**
 * Sandboxed processes resolve an experiment's bare imports (`"lodash"`,
 * `"@std/assert"`) with the project's `deno.json` `imports`, as `deno run`
 * there would. But the project's `deno.json` is as untrusted as its code: an
 * import map may remap any specifier — a library module or `npm:` package
 * the runner loads in its static module graph, which Deno loads without
 * permission checks — and other fields change how Deno runs. So the
 * processes get `--no-config` and an import map built here from the bare
 * names only, with their targets made absolute.
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configFile } from "../execution/worker/entry.ts";

/** A bare specifier: not a URL, scheme (`npm:`, `node:`, `file:`) or path. */
const BARE = /^(?:@[\w.-]+\/)?[\w.-]+(?:\/[\w.@-]*)*\/?$/;

/**
 * The `deno run` flags that give a sandboxed process the project's bare
 * imports and nothing else of its configuration: `--no-config`, plus an
 * `--import-map` `data:` URL when the nearest `deno.json` at or above
 * `start` maps bare names. Entries whose key is not a bare name are left
 * out (they could replace code that is loaded unchecked); so are `scopes`,
 * `importMap` and every other field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectImportFlags } from "./project_imports.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({
 *   imports: { "lib/": "./lib/", "npm:yaml@2.9.1": "./evil.ts", "file:///x.ts": "./evil.ts" },
 *   scopes: { "/": { "lib/": "./evil/" } },
 * }));
 * const flags = projectImportFlags(dir);
 * assert.equal(flags[0], "--no-config");
 * const map = JSON.parse(decodeURIComponent(flags[1].slice("--import-map=data:application/json,".length)));
 * assert.deepEqual(map, { imports: { "lib/": new URL(`file://${dir}/lib/`).href } });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function projectImportFlags(start: string = Deno.cwd()): string[] {
  const file = configFile(start);
  const imports = file === undefined ? {} : bareImports(file);
  if (Object.keys(imports).length === 0) return ["--no-config"];
  const map = encodeURIComponent(JSON.stringify({ imports }));
  return ["--no-config", `--import-map=data:application/json,${map}`];
}

function bareImports(file: string): Record<string, string> {
  let config: unknown;
  try {
    config = JSON.parse(withoutComments(Deno.readTextFileSync(file)));
  } catch {
    return {}; // unreadable or not JSON: Deno itself would refuse it; nothing is mapped
  }
  const imports = (config as { imports?: unknown } | null)?.imports;
  if (typeof imports !== "object" || imports === null || Array.isArray(imports)) return {};
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(imports)) {
    if (!BARE.test(key) || key.split("/").some((p) => p === "." || p === "..")) continue;
    if (typeof target !== "string") continue;
    out[key] = localTarget(target, dirname(file)) ?? target;
  }
  return out;
}

/** A path target as an absolute file URL (a `data:` import map has no folder to be relative to). */
function localTarget(target: string, folder: string): string | undefined {
  if (!(target.startsWith("./") || target.startsWith("../") || isAbsolute(target))) {
    return undefined;
  }
  const url = pathToFileURL(resolve(folder, target)).href;
  return target.endsWith("/") && !url.endsWith("/") ? `${url}/` : url;
}

/** JSON with `//` and `/* *\/` comments (deno.jsonc) removed, strings left alone. */
function withoutComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out;
}
