import { join } from "node:path";
import { fileUrl } from "./sandbox.ts";

/**
 * The entry module of a runner process, as a `data:` URL: it marks the
 * isolate as a worker (so a module that calls `experiment.run()` at import
 * time is refused with a clear message), imports the target modules
 * statically — their top-level code runs here, in the sandbox — and hands
 * them to the runner. Static imports need no read permission, so the
 * modules' own imports (the library, npm packages) load whatever the
 * sandbox allows.
 *
 * @example
 * ```ts
 * runnerEntry("/lib", ["file:///exp/demo.ts"]); // "data:application/typescript,import ..."
 * ```
 */
export function runnerEntry(library: string, modules: readonly string[]): string {
  const at = (path: string) => JSON.stringify(fileUrl(join(library, path)));
  const source = [
    `import ${at("src/execution/worker/mark_worker.ts")};`,
    ...modules.map((url, i) => `import * as m${i} from ${JSON.stringify(url)};`),
    `import { serveRunner } from ${at("src/cli/runner/serve.ts")};`,
    `await serveRunner({ ${
      modules.map((url, i) => `${JSON.stringify(url)}: m${i}`).join(", ")
    } });`,
  ].join("\n");
  return `data:application/typescript,${encodeURIComponent(source)}`;
}
