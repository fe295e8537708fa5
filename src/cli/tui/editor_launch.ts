/**
 * What `e` does once the terminal is handed over: finds the file and line
 * of the target (a step's definition in `steps.ts`, the first file a text
 * names), refuses files outside the working directory and the library (the
 * text may come from experiment code), and runs the editor on the terminal.
 * @module
 */
import { basename, dirname, join } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { configRows } from "./config_document.ts";
import { editorCommand, type FileLine } from "./editor_command.ts";
import { locationsIn, stepLine } from "./locations.ts";
import type { EditTarget } from "./messages.ts";

/**
 * The file and line `target` designates, among regular files inside one of
 * `roots`; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locate } from "./editor_launch.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/steps.ts`, 'export const a = pipelineStep((d) => d, { name: "a" });\n');
 * assert.deepEqual(await locate({ kind: "text", lines: [`    at a (file://${dir}/steps.ts:1:20)`] }, [dir]), { file: `${dir}/steps.ts`, line: 1 });
 * assert.equal(await locate({ kind: "text", lines: ["at /etc/passwd:1"] }, [dir]), undefined); // outside
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function locate(
  target: EditTarget,
  roots: readonly string[],
): Promise<FileLine | undefined> {
  switch (target.kind) {
    case "file":
      return await inside(resolvePath(target.file), roots)
        ? { file: resolvePath(target.file), line: target.line }
        : undefined;
    case "step":
      return await stepPlace(resolvePath(target.configFile), target.step, roots);
    case "text":
      for (const text of target.lines) {
        for (const place of locationsIn(text, Deno.cwd())) {
          if (await inside(place.file, roots)) return place;
        }
      }
      return undefined;
  }
}

async function stepPlace(
  configFile: string,
  step: string,
  roots: readonly string[],
): Promise<FileLine | undefined> {
  const steps = join(dirname(configFile), "steps.ts");
  const source = await Deno.readTextFile(steps).catch(() => undefined);
  const line = source === undefined ? undefined : stepLine(source, step);
  if (line !== undefined && await inside(steps, roots)) return { file: steps, line };
  // Not found in steps.ts (another module, a built-in): its entry in config.yaml.
  const config = await Deno.readTextFile(configFile).catch(() => "");
  const row = configRows(config).find((r) =>
    r.path[0] === "steps" && (r.value === step || r.label === step)
  );
  return await inside(configFile, roots) ? { file: configFile, line: row?.line ?? 1 } : undefined;
}

async function inside(file: string, roots: readonly string[]): Promise<boolean> {
  const real = await Deno.realPath(file).catch(() => undefined);
  if (real === undefined || !(await Deno.stat(real)).isFile) return false;
  return roots.some((root) => {
    const rel = relativePath(root, real);
    return rel !== "" && !rel.startsWith("..") && !rel.startsWith("/");
  });
}

/**
 * Runs the editor `setting` names on `at`, on this terminal (the caller has
 * handed it over); returns the notice to show.
 *
 * @example
 * ```ts ignore
 * // Not run: it starts an editor on this terminal.
 * import { runEditor } from "./editor_launch.ts";
 *
 * await runEditor("vim", { file: "/p/exp/steps.ts", line: 12 }); // "Edited exp/steps.ts:12 (vim)."
 * ```
 */
export async function runEditor(setting: string, at: FileLine): Promise<string> {
  const command = editorCommand(setting, at);
  const shown = `${relativePath(Deno.cwd(), at.file) || at.file}:${at.line}`;
  const name = command === undefined ? "" : basename(command.program);
  if (command === undefined) {
    return "The editor setting is empty: set $EDITOR, e.g. export EDITOR=vim.";
  }
  try {
    const status = await new Deno.Command(command.program, {
      args: [...command.args],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    return status.success
      ? `Edited ${shown} (${name}).`
      : `${name} exited with ${status.code} on ${shown}.`;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return `crystallize may not start ${command.program}: run it with --allow-run ` +
        "(deno task cli and the install command in the README grant it).";
    }
    if (error instanceof Deno.errors.NotFound) {
      return `${command.program} not found: set $EDITOR (or $CRYSTALLIZE_EDITOR) to an editor on PATH.`;
    }
    throw error;
  }
}
