import { dirname, join } from "node:path";
import { allRefs, type WorkerSpec } from "./messages.ts";

const MARK = new URL("./mark_worker.ts", import.meta.url).href;
const HOST = new URL("./host.ts", import.meta.url).href;

/**
 * The entry module of a worker process, as a `data:` URL: it marks the
 * isolate as a worker, then statically imports the host and every module the
 * spec refers to, and serves. Static imports need no read permission, so
 * the worker's permissions are only what the experiment is granted.
 *
 * @example
 * ```ts
 * const url = workerEntry(spec); // "data:application/typescript,import ..."
 * ```
 */
export function workerEntry(spec: WorkerSpec): string {
  const modules = [...new Set(allRefs(spec).map((r) => r.module))];
  const source = [
    `import ${JSON.stringify(MARK)};`,
    `import { serveWorker } from ${JSON.stringify(HOST)};`,
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
