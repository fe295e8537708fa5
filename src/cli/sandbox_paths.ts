/**
 * Deno checks file permissions on the path code asks for, not on where it
 * leads: a symbolic link inside a readable folder reads whatever it points
 * to, and a link inside (or as) an output root writes there. Experiment code
 * cannot make links itself (`Deno.symlink` needs unscoped read and write),
 * so every link it could use was there before the run: this module looks
 * for them before the runner starts, and refuses a sandbox that they would
 * open. It also denies reading `.git` folders (provenance is read by the CLI
 * and passed in), and grants permissions on real paths as well.
 * @module
 */
import { dirname, isAbsolute, join, sep } from "../path.ts";
import { relativePath, resolvePath } from "../resolve_path.ts";
import { CliError } from "./cli_error.ts";
import type { Sandbox } from "./sandbox.ts";
import { within } from "./within.ts";

/** Most links named in one error. */
const SHOWN = 5;

/**
 * The sandbox made safe to grant: each folder also under its real path,
 * `.git` entries inside readable folders in `denyRead`. Throws a
 * `CliError` (exit code 2) naming the links and the fix when a symbolic
 * link inside a readable folder leads outside what the sandbox may read, an
 * output root is or passes through a link inside the experiment's folders,
 * an output root holds any link, or an output root contains the
 * experiment's code (writing there could change the next run's code).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { confineSandbox } from "./sandbox_paths.ts";
 *
 * const exp = await Deno.makeTempDir(); // not inside a git checkout
 * const sandbox = await confineSandbox({ read: [exp], write: [`${exp}/.crystallize`], home: `${exp}/.crystallize`, granted: {}, library: "/lib", denyRead: [] });
 * assert.deepEqual(sandbox.denyRead, []); // [`${exp}/.git`] when it is a repository
 * await Deno.remove(exp, { recursive: true });
 * ```
 */
export async function confineSandbox(sandbox: Sandbox): Promise<Sandbox> {
  const reads = await Promise.all(sandbox.read.map(realPathOf));
  const writes = await Promise.all(sandbox.write.map(realPathOf));
  const library = await realPathOf(sandbox.library);
  const granted = sandbox.granted.read;
  const grantedReads = granted === true ? undefined : await Promise.all(
    (Array.isArray(granted) ? granted : []).map((p) => realPathOf(String(p))),
  );
  for (const [i, write] of sandbox.write.entries()) {
    refuseLinkedOutputRoot(write, sandbox.read);
    const code = [...reads, library].find((folder) => within(writes[i], folder));
    if (code !== undefined) {
      throw new CliError(
        `the output root ${write} contains ${code}, the experiment's code: a run could rewrite it. ` +
          "Store runs elsewhere (e.g. --out <folder>/.crystallize)",
      );
    }
    if (writes[i].split(sep).includes(".git")) throw gitInOutputRoot(write, writes[i]);
    if (within(join(library, "src"), writes[i])) {
      throw new CliError(
        `the output root ${write} lies inside the Crystallize library's code (${library}/src): ` +
          "a run could rewrite code later runs load. Store runs elsewhere (--out <folder>)",
      );
    }
  }
  const found = { links: [] as Link[], git: [] as string[] };
  // An output root inside a readable folder (`<folder>/.crystallize`) is walked with that folder.
  const roots = unique([
    ...sandbox.read,
    ...sandbox.write.filter((w) => !sandbox.read.some((r) => within(r, w))),
  ]);
  for (const root of roots) await scan(root, sandbox.write, found);
  const storeGit = found.git.find((git) => sandbox.write.some((w) => within(w, git)));
  if (storeGit !== undefined) throw gitInOutputRoot(storeGit, storeGit);
  const comma = found.git.find((git) => git.includes(","));
  if (comma !== undefined) {
    throw new CliError(
      `${comma} cannot be kept from experiment code: Deno's --deny-read separates paths with ` +
        "commas; rename the folder",
    );
  }
  // Only the library's mod.ts and src/ are granted, and never a repository's .git.
  const denied = await Promise.all(found.git.map(realPathOf));
  const mayRead = [
    ...reads,
    ...writes,
    join(library, "mod.ts"),
    join(library, "src"),
    ...(grantedReads ?? []),
  ];
  const escaping = found.links.filter((link) =>
    link.inOutputRoot || denied.some((git) => within(git, link.target)) ||
    (grantedReads !== undefined && !mayRead.some((f) => within(f, link.target)))
  );
  if (escaping.length > 0) throw linkError(escaping);
  return {
    ...sandbox,
    read: unique([...sandbox.read, ...reads]),
    write: unique([...sandbox.write, ...writes]),
    denyRead: unique([...(sandbox.denyRead ?? []), ...found.git]),
  };
}

/** Git runs hooks from `.git/hooks` and reads `.git/config`: a run must never write there. */
function gitInOutputRoot(where: string, real: string): CliError {
  return new CliError(
    `${where}${real === where ? "" : ` (${real})`} is a git repository's .git, inside an output ` +
      "root: experiment code could plant hooks or configuration git would run later. " +
      "Store runs elsewhere (--out <a folder outside the repository's .git>)",
  );
}

/** A symbolic link found in a sandbox folder. */
interface Link {
  /** Where it is. */
  readonly path: string;
  /** Its real target (or where a dangling link points). */
  readonly target: string;
  /** Whether it is inside an output root (any link there is refused). */
  readonly inOutputRoot: boolean;
}

async function scan(
  root: string,
  outputRoots: readonly string[],
  found: { links: Link[]; git: string[] },
): Promise<void> {
  const info = await Deno.lstat(root).catch(() => undefined);
  if (info === undefined || !info.isDirectory) return;
  const pending = [root];
  const seen = new Set<string>();
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    if (seen.has(folder)) continue;
    seen.add(folder);
    let entries;
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      continue; // unreadable for the CLI: unreadable for the sandbox too
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name === ".git") {
        // Denied to the sandbox, so not walked; but a linked .git still leads somewhere.
        found.git.push(path);
        if (!entry.isSymlink) continue;
      }
      if (entry.isSymlink) {
        found.links.push({
          path,
          target: await linkTarget(path),
          inOutputRoot: outputRoots.some((w) => within(w, path)),
        });
      } else if (entry.isDirectory) pending.push(path);
    }
  }
}

/** An output root that is, or passes through, a link inside a readable folder is refused. */
function refuseLinkedOutputRoot(write: string, readRoots: readonly string[]): void {
  for (const root of readRoots) {
    if (!within(root, write)) continue;
    for (let path = write; path !== root && within(root, path); path = dirname(path)) {
      let info;
      try {
        info = Deno.lstatSync(path);
      } catch {
        continue; // not created yet
      }
      if (info.isSymlink) {
        let target: string;
        try {
          target = Deno.realPathSync(path);
        } catch {
          target = resolvePath(dirname(path), Deno.readLinkSync(path));
        }
        throw new CliError(
          `the output root ${write} goes through the symbolic link ${path} (to ${target}): ` +
            `experiment code could write where it points. Remove the link, or store runs there ` +
            `explicitly with --out ${target}`,
        );
      }
    }
  }
}

function linkError(links: readonly Link[]): CliError {
  const shown = links.slice(0, SHOWN).map((l) => `${l.path} -> ${l.target}`);
  const more = links.length > SHOWN ? ` and ${links.length - SHOWN} more` : "";
  const inStore = links.some((l) => l.inOutputRoot);
  const outside = links.filter((l) => !l.inOutputRoot).map((l) => l.target);
  const fixes = [
    ...(inStore ? ["remove the links from the output root (runs never create links)"] : []),
    ...(outside.length > 0
      ? [`remove them, or grant their targets with --allow-read=${unique(outside).join(",")}`]
      : []),
  ];
  return new CliError(
    `symbolic links would let experiment code reach outside its sandbox: ${
      shown.join(", ")
    }${more}; ${fixes.join("; ")}`,
  );
}

async function linkTarget(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    // Dangling: where it would lead once something is there.
    const target = await Deno.readLink(path);
    return isAbsolute(target) ? target : resolvePath(dirname(path), target);
  }
}

/** The real path of `path`, or of its nearest existing ancestor plus the rest. */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolvePath(path);
  try {
    return await Deno.realPath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(await realPathOf(parent), relativePath(parent, absolute));
  }
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

/**
 * After a run: removes what experiment code could have planted in its output
 * roots for programs other than Crystallize to trust later — a `.git`, or a
 * folder git would take for a repository (`HEAD`, `objects/`, `refs/`: its
 * `config` can make `git status` run commands) — and clears setuid and
 * setgid bits. Returns what it removed or changed, for a warning. A run
 * never writes such things itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepOutputRoots } from "./sandbox_paths.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/exp/.git`, { recursive: true });
 * await Deno.writeTextFile(`${root}/exp/v0.json`, "{}");
 * assert.deepEqual(await sweepOutputRoots([root]), [`${root}/exp/.git`]);
 * assert.deepEqual([...Deno.readDirSync(`${root}/exp`)].map((e) => e.name), ["v0.json"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function sweepOutputRoots(roots: readonly string[]): Promise<string[]> {
  const swept: string[] = [];
  const pending = [...roots];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries;
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      continue;
    }
    const names = new Set(entries.map((e) => e.name));
    if (names.has("HEAD") && names.has("objects") && names.has("refs")) {
      if (await unlessGone(Deno.remove(folder, { recursive: true })) !== GONE) swept.push(folder);
      continue;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name === ".git") {
        if (await unlessGone(Deno.remove(path, { recursive: true })) !== GONE) swept.push(path);
      } else if (entry.isDirectory) pending.push(path);
      else if (entry.isFile) {
        const info = await unlessGone(Deno.lstat(path));
        const mode = info === GONE ? null : info.mode;
        if (mode !== null && (mode & 0o6000) !== 0) {
          const cleared = await unlessGone(Deno.chmod(path, mode & 0o777 & ~0o6000));
          if (cleared !== GONE) swept.push(path);
        }
      }
    }
  }
  return swept;
}

const GONE: unique symbol = Symbol("gone");

/**
 * What `done` gives, or `GONE` when its path is gone: runs sharing an
 * output root rename and remove their own files while another run sweeps,
 * and what is gone was not planted.
 */
async function unlessGone<T>(done: Promise<T>): Promise<T | typeof GONE> {
  try {
    return await done;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return GONE;
    throw error;
  }
}
