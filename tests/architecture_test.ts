/**
 * The source tree's rooms and their direction (see ARCHITECTURE.md): a file
 * may import its own room or a lower one, never a higher one, and no files
 * import each other in a circle — type-only and dynamic imports included,
 * since both make a reader go back and forth just the same.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SRC = join(ROOT, "src");

/** Rooms from the bottom up; a room may import only rooms listed before it. */
const ROOMS = [
  "base", // src/*.ts: errors, promises, hashing, names — no imports of any room
  "context",
  "pipeline",
  "verify",
  "storage",
  "data",
  "cache",
  "report", // HTML reports, exports and run comparison, from a run's JSON (Result.toHtml draws with it)
  "run",
  "execution",
  "config", // files → specs: parses and checks config.yaml, builds the parts it names
  "experiment", // specs → objects: Experiment.fromYaml builds a FolderExperiment from a spec
  "graph",
  "cli",
  "entry", // src/testing.ts: a public entry point like mod.ts
] as const;
type Room = typeof ROOMS[number];

/** Longest a source file may grow before it should be split. */
const MAX_FILE_LINES = 400;
/** Longest a function or method may grow. */
const MAX_FUNCTION_LINES = 80;

interface Import {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** Characters after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([..."(,=:[!&|?{};+-*%<>~^"]);

/** Where the regular expression literal starting at `start` (its first `/`) ends. */
function regexEnd(text: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < text.length && text[i] !== "\n") {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return i + 1;
    i++;
  }
  return i;
}

/**
 * The code of a TypeScript file with comments blanked out (strings and
 * regular expressions kept, so a quote inside either opens no string).
 */
function withoutComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (
      c === "/" && (BEFORE_REGEX.has(out.trimEnd().at(-1) ?? ";") || /\breturn\s*$/.test(out))
    ) {
      const end = regexEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["'](\.[^"']+)["']|\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;

function importsOf(file: string): Import[] {
  const code = withoutComments(Deno.readTextFileSync(file));
  return [...code.matchAll(IMPORT)].map((m) => ({
    from: file,
    to: resolve(dirname(file), m[1] ?? m[2]),
  }));
}

function roomOf(file: string): Room | undefined {
  const path = relative(SRC, file).split("/");
  if (path.length === 1) return path[0] === "testing.ts" ? "entry" : "base";
  return ROOMS.find((room) => room === path[0]);
}

const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);
const show = (file: string) => relative(ROOT, file);

Deno.test("architecture: every folder of src/ is a room with a place in the order", () => {
  const unplaced = files.filter((f) => roomOf(f) === undefined).map(show);
  assert.deepEqual(unplaced, [], "add the folder to ROOMS here and to ARCHITECTURE.md");
});

Deno.test("architecture: no room imports a room above it", () => {
  const upward = imports
    .filter(({ from, to }) => {
      const a = roomOf(from), b = roomOf(to);
      return a !== undefined && b !== undefined && ROOMS.indexOf(b) > ROOMS.indexOf(a);
    })
    .map(({ from, to }) => `${show(from)} (${roomOf(from)}) → ${show(to)} (${roomOf(to)})`);
  assert.deepEqual(upward, []);
});

/** Strongly connected components of more than one file (Tarjan). */
function circles(nodes: readonly string[], edges: readonly Import[]): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const { from, to } of edges) next.get(from)?.push(to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.map(show).sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

Deno.test("architecture: no files import each other in a circle", () => {
  assert.deepEqual(circles(files, imports), []);
});

Deno.test("architecture: the circle finder sees a circle through a type import", () => {
  const [a, b, c] = ["/a.ts", "/b.ts", "/c.ts"];
  const edges = [{ from: a, to: b }, { from: b, to: c }, { from: c, to: a }];
  assert.equal(circles([a, b, c], edges).length, 1);
  assert.deepEqual(circles([a, b, c], edges.slice(1)), []);
  const code = withoutComments('// import "./x.ts"\nimport type { T } from "./t.ts";');
  assert.deepEqual([...code.matchAll(IMPORT)].map((m) => m[1]), ["./t.ts"]);
  // A quote in a regular expression opens no string, so the comment after it stays a comment.
  const afterRegex = withoutComments(
    'const q = /["\']/g;\n/** import "./y.ts"; */\nconst r = a / b;',
  );
  assert.deepEqual([...afterRegex.matchAll(IMPORT)], []);
  assert.match(afterRegex, /const r = a \/ b;/);
});

Deno.test(`architecture: every source file is at most ${MAX_FILE_LINES} lines`, () => {
  const long = files
    .map((f) => ({ file: show(f), lines: Deno.readTextFileSync(f).split("\n").length - 1 }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ file, lines }) => `${file}: ${lines}`);
  assert.deepEqual(long, []);
});

/**
 * Functions and methods longer than `limit` lines, found by their layout:
 * the code is `deno fmt`ed, so a body ends at the first line that closes it
 * at the header's indentation.
 */
function longFunctions(file: string, text: string, limit: number): string[] {
  const header =
    /^(\s*)(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?\s+\w+|(?:(?:static|private|protected|public|override|async|get|set)\s+)*[#\w]+\s*(?:<[^>]*>)?\s*\(.*|(?:const|let)\s+\w+\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>)\s*.*\{\s*$/;
  const statement = /^\s*(?:if|for|while|switch|catch|else|return|do|\})\b/;
  const lines = text.split("\n");
  const found: string[] = [];
  let inComment = false;
  lines.forEach((line, i) => {
    if (/^\s*\/\*/.test(line)) inComment = true;
    if (inComment) {
      inComment = !line.includes("*/");
      return;
    }
    const match = header.exec(line);
    if (match === null || statement.test(line)) return;
    const close = lines.findIndex((l, j) => j > i && l.startsWith(`${match[1]}}`));
    const length = (close === -1 ? lines.length : close) - i + 1;
    if (length > limit) found.push(`${file}:${i + 1}: ${length} lines: ${line.trim()}`);
  });
  return found;
}

Deno.test(`architecture: every function is at most ${MAX_FUNCTION_LINES} lines`, () => {
  const long = files.flatMap((f) =>
    longFunctions(show(f), Deno.readTextFileSync(f), MAX_FUNCTION_LINES)
  );
  assert.deepEqual(long, []);
});

Deno.test("architecture: the function measure finds a long method and skips comments", () => {
  const body = Array.from({ length: 5 }, (_, i) => `    x(${i});`).join("\n");
  const text = `/**\n * function f() {\n */\nclass A {\n  run(n: number) {\n${body}\n  }\n}\n`;
  assert.deepEqual(longFunctions("a.ts", text, 6), ["a.ts:5: 7 lines: run(n: number) {"]);
  assert.deepEqual(longFunctions("a.ts", text, 7), []);
});

/**
 * An import of `node:path` or `node:url` (or a subpath such as
 * `node:path/posix`): static, dynamic, type-only or a re-export.
 */
const NODE_PATH_OR_URL =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']node:(?:path|url)(?:\/[\w/]*)?["']|\bimport\(\s*["']node:(?:path|url)(?:\/[\w/]*)?["']\s*\)/g;

/** The `node:path` and `node:url` imports of a file's code (comments, JSDoc examples included, skipped). */
function nodePathOrUrlImports(text: string): string[] {
  return [...withoutComments(text).matchAll(NODE_PATH_OR_URL)].map((m) => m[0]);
}

Deno.test("architecture: no file of src/ imports node:path or node:url (src/path.ts, src/resolve_path.ts and src/file_url.ts stand in): the first load of Deno's Node layer costs every process 6–12 ms of start-up", () => {
  const offending = files.flatMap((f) =>
    nodePathOrUrlImports(Deno.readTextFileSync(f)).map((i) => `${show(f)}: ${i}`)
  );
  assert.deepEqual(offending, []);
});

Deno.test("architecture: the node:path/node:url rule sees every import form and skips comments", () => {
  const forms = [
    'import { join } from "node:path";',
    "import {\n  dirname,\n  join,\n} from 'node:path';",
    'import * as path from "node:path";',
    'import type { ParsedPath } from "node:path";',
    'import "node:url";',
    'export { fileURLToPath } from "node:url";',
    'export * from "node:path/posix";',
    'const { join } = await import("node:path");',
  ];
  for (const form of forms) assert.equal(nodePathOrUrlImports(form).length, 1, form);
  const ignored = [
    '/**\n * ```ts\n * import { join } from "node:path";\n * ```\n */',
    '// import("node:url")',
    'import assert from "node:assert/strict";',
    'import { join } from "./path.ts";',
    'import type { Buffer } from "node:buffer";',
  ].join("\n");
  assert.deepEqual(nodePathOrUrlImports(ignored), []);
});
