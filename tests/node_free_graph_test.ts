import assert from "node:assert/strict";
import { denoExecutable } from "../src/execution/worker/framed_child.ts";

interface InfoDependency {
  readonly specifier: string;
  readonly code?: { readonly specifier?: string };
  readonly isDynamic?: boolean;
}

interface ModuleGraph {
  readonly roots: readonly string[];
  readonly modules: readonly {
    readonly specifier: string;
    readonly dependencies?: readonly InfoDependency[];
  }[];
}

/**
 * The `node:` builtins that loading `entry` imports (static imports of
 * code, followed through the library; type-only and dynamic imports do not
 * load anything at start-up), each with a module that imports it.
 */
async function nodeBuiltinsLoadedBy(entry: string): Promise<Map<string, string>> {
  const out = await new Deno.Command(denoExecutable(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph: ModuleGraph = JSON.parse(new TextDecoder().decode(out.stdout));
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      const target = dep.code?.specifier;
      if (target === undefined || dep.isDynamic) continue;
      if (target.startsWith("node:")) found.set(target, specifier);
      else pending.push(target);
    }
  }
  return found;
}

const at = (path: string) => new URL(`../${path}`, import.meta.url).href;

/** What a worker process, the CLI's `run` and its sandboxed runner load at start-up. */
const ENTRIES = [
  "src/execution/worker/parent_channel.ts",
  "src/execution/worker/host.ts",
  "mod.ts",
  "cli.ts",
  "src/cli/commands/run.ts",
  "src/cli/runner_entry.ts",
  "src/cli/runner/serve.ts",
];

Deno.test("worker processes, the CLI's run and its runner load no node: builtin at start-up: the Node layer's first load costs every process 6–12 ms", async () => {
  for (const entry of ENTRIES) {
    const found = await nodeBuiltinsLoadedBy(at(entry));
    assert.deepEqual(
      [...found].map(([builtin, by]) => `${builtin} (imported by ${by})`),
      [],
      `${entry} loads node: builtins`,
    );
  }
});
