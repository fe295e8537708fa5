import { dirname, join } from "node:path";
import { allRefs, type WorkerSpec } from "./messages.ts";

const HERE = new URL("./", import.meta.url).href;

/**
 * The entry module of a worker process, as a `data:` URL: it marks the
 * isolate as a worker, then statically imports the host and every module the
 * spec refers to, and serves. Static imports need no read permission, so
 * the worker's permissions are only what the experiment is granted.
 * `hostDir` is the URL of the folder holding the worker host (default: this
 * module's folder; a compiled CLI points it at the library on disk, since a
 * child `deno` cannot read the binary's embedded files).
 *
 * @example
 * ```ts
 * const url = workerEntry(spec); // "data:application/typescript,import ..."
 * ```
 */
export function workerEntry(spec: WorkerSpec, hostDir: string = HERE): string {
  const modules = [...new Set(allRefs(spec).map((r) => r.module))];
  const at = (file: string) => JSON.stringify(new URL(file, hostDir).href);
  const source = [
    `import ${at("mark_worker.ts")};`,
    `import { serveWorker } from ${at("host.ts")};`,
    ...modules.map((url, i) => `import * as m${i} from ${JSON.stringify(url)};`),
    `await serveWorker({ ${
      modules.map((url, i) => `${JSON.stringify(url)}: m${i}`).join(", ")
    } });`,
  ].join("\n");
  return `data:application/typescript,${encodeURIComponent(source)}`;
}

/**
 * The Deno configuration file workers should use (a `data:` entry does not
 * discover one): the nearest `deno.json`/`deno.jsonc` above the working
 * directory, when this process may read it.
 *
 * @example
 * ```ts
 * configFile(); // "/home/me/project/deno.json"
 * ```
 */
export function configFile(start: string = Deno.cwd()): string | undefined {
  for (let dir = start;; dir = dirname(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(dir, name);
      if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // Not here; keep looking.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
