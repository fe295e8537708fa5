import assert from "node:assert/strict";
import { join } from "node:path";
import { gitCommitOf } from "../src/experiment/git_commit.ts";
import { blobId } from "../src/experiment/git_blob.ts";
import { parseGitConfig } from "../src/experiment/git_config.ts";
import { gitDirtyOf } from "../src/experiment/git_dirty.ts";
import { parseGitIndex } from "../src/experiment/git_index.ts";
import { tempDir } from "./temp_dir.ts";

// Real repositories made with the real git binary, configured so it works on a
// bare machine and ignores the user's own settings.
const GIT_ENV = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "init.defaultBranch=main", "-c", "protocol.file.allow=never", ...args],
    cwd,
    env: GIT_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** git's own answer (after ours: `git status` rewrites the index). */
async function gitSaysDirty(repo: string, folder: string): Promise<boolean> {
  return (await git(repo, "status", "--porcelain", "--untracked-files=no", "--", folder)) !== "";
}

// Files written a minute in the past, so the index git writes afterwards is
// newer than them and their stat data is trusted (not "racy").
const PAST = new Date(Date.now() - 60_000);

async function write(repo: string, path: string, content: string): Promise<void> {
  await Deno.mkdir(join(repo, path, ".."), { recursive: true });
  await Deno.writeTextFile(join(repo, path), content);
  await Deno.utime(join(repo, path), PAST, PAST);
}

/**
 * A committed repository: `exp/` (the experiment's folder) with a nested
 * file, `other/` beside it and a file at the top level.
 */
async function repository(
  dir: string,
  ...initArgs: string[]
): Promise<{ repo: string; exp: string; commit: string }> {
  const repo = join(dir, "repo");
  await Deno.mkdir(repo, { recursive: true });
  await git(repo, "init", "-q", ...initArgs);
  await write(repo, "exp/a.txt", "alpha\n");
  await write(repo, "exp/sub/b.txt", "beta\n");
  await write(repo, "other/c.txt", "gamma\n");
  await write(repo, "top.txt", "top\n");
  await git(repo, "add", ".");
  await git(repo, "commit", "-q", "-m", "initial");
  const commit = (await git(repo, "rev-parse", "HEAD")).trim();
  return { repo, exp: join(repo, "exp"), commit };
}

Deno.test("git dirty: a clean checkout is not dirty, and gitCommitOf records it", async () => {
  await using dir = await tempDir("git-clean");
  const { repo, exp, commit } = await repository(dir.path);
  assert.deepEqual(await gitCommitOf(exp), { commit, branch: "main", dirty: false });
  assert.deepEqual(await gitCommitOf(repo), { commit, branch: "main", dirty: false });
  assert.equal(await gitSaysDirty(repo, "exp"), false);
});

Deno.test("git dirty: a modified tracked file under the folder is dirty", async () => {
  await using dir = await tempDir("git-modified");
  const { repo, exp } = await repository(dir.path);
  await Deno.writeTextFile(join(repo, "exp/sub/b.txt"), "beta, edited\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: same size, new content, new mtime is dirty (the content is hashed)", async () => {
  await using dir = await tempDir("git-same-size");
  const { repo, exp } = await repository(dir.path);
  await Deno.writeTextFile(join(repo, "exp/a.txt"), "ALPHA\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: a modified file outside the folder does not make the folder dirty", async () => {
  await using dir = await tempDir("git-outside");
  const { repo, exp } = await repository(dir.path);
  await Deno.writeTextFile(join(repo, "other/c.txt"), "gamma, edited\n");
  await Deno.writeTextFile(join(repo, "top.txt"), "top, edited\n");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  assert.equal((await gitCommitOf(join(repo, "other")))?.dirty, true);
  assert.equal((await gitCommitOf(repo))?.dirty, true);
});

Deno.test("git dirty: a deleted tracked file is dirty; an untracked file is not", async () => {
  await using dir = await tempDir("git-deleted");
  const { repo, exp } = await repository(dir.path);
  await Deno.writeTextFile(join(repo, "exp/untracked.txt"), "new\n");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  await Deno.remove(join(repo, "exp/sub"), { recursive: true });
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: a touched file with the same content is not dirty", async () => {
  await using dir = await tempDir("git-touched");
  const { repo, exp } = await repository(dir.path);
  const later = new Date(Date.now() - 5_000);
  await Deno.utime(join(repo, "exp/a.txt"), later, later);
  await Deno.writeTextFile(join(repo, "exp/sub/b.txt"), "beta\n"); // rewritten, identical
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  assert.equal(await gitSaysDirty(repo, "exp"), false);
});

Deno.test("git dirty: same size and mtime as indexed is trusted with core.trustCtime off, like git", async () => {
  // git's own shortcut: it is what keeps the check from hashing every file.
  await using dir = await tempDir("git-stat-trusted");
  const { repo, exp } = await repository(dir.path);
  await git(repo, "config", "core.trustctime", "false");
  await write(repo, "exp/a.txt", "ALPHA\n"); // same size, mtime put back
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  assert.equal(await gitSaysDirty(repo, "exp"), false);
});

Deno.test("git dirty: a same-size edit with its mtime put back is dirty when its ctime moved (core.trustCtime)", async () => {
  await using dir = await tempDir("git-ctime");
  const { repo, exp } = await repository(dir.path);
  // Into the next second: the edit's status-change time differs from the indexed one.
  await new Promise((r) => setTimeout(r, 1010));
  await write(repo, "exp/a.txt", "ALPHA\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: stat data not older than the index is not trusted (racy git)", async () => {
  await using dir = await tempDir("git-racy");
  const { repo, exp } = await repository(dir.path);
  // As if the index had been written in the same instant as the files: a
  // same-size edit then leaves size and mtime unchanged, so only the content tells.
  const before = new Date(PAST.getTime() - 1000);
  await Deno.utime(join(repo, ".git/index"), before, before);
  await write(repo, "exp/a.txt", "ALPHA\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: an executable-bit change is dirty (core.fileMode)", async () => {
  await using dir = await tempDir("git-mode");
  const { repo, exp } = await repository(dir.path);
  await Deno.chmod(join(repo, "exp/a.txt"), 0o755);
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  await git(repo, "config", "core.fileMode", "false");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
});

Deno.test("git dirty: index version 4 (prefix-compressed paths) parses like version 2", async () => {
  await using dir = await tempDir("git-v4");
  const { repo, exp } = await repository(dir.path);
  const v2 = parseGitIndex(await Deno.readFile(join(repo, ".git/index")));
  await git(repo, "update-index", "--index-version", "4");
  const v4 = parseGitIndex(await Deno.readFile(join(repo, ".git/index")));
  assert.equal(v2?.version, 2);
  assert.equal(v4?.version, 4);
  assert.deepEqual(v4?.entries.map((e) => [e.path, e.objectId, e.mode]), [
    ["exp/a.txt", blobId(new TextEncoder().encode("alpha\n")), 0o100644],
    ["exp/sub/b.txt", blobId(new TextEncoder().encode("beta\n")), 0o100644],
    ["other/c.txt", blobId(new TextEncoder().encode("gamma\n")), 0o100644],
    ["top.txt", blobId(new TextEncoder().encode("top\n")), 0o100644],
  ]);
  assert.deepEqual(v4?.entries, v2?.entries);
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  await Deno.writeTextFile(join(repo, "exp/sub/b.txt"), "beta, edited\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
});

Deno.test("git dirty: index version 3 — skip-worktree is clean, intent-to-add is a change", async () => {
  await using dir = await tempDir("git-v3");
  const { repo, exp } = await repository(dir.path);
  await git(repo, "update-index", "--skip-worktree", "exp/a.txt");
  const index = parseGitIndex(await Deno.readFile(join(repo, ".git/index")));
  assert.equal(index?.version, 3);
  assert.deepEqual(index?.entries.filter((e) => e.skipWorktree).map((e) => e.path), ["exp/a.txt"]);
  await Deno.writeTextFile(join(repo, "exp/a.txt"), "edited but skipped\n");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  assert.equal(await gitSaysDirty(repo, "exp"), false);

  await Deno.writeTextFile(join(repo, "exp/new.txt"), "new\n");
  await git(repo, "add", "-N", "exp/new.txt");
  const withIntent = parseGitIndex(await Deno.readFile(join(repo, ".git/index")));
  assert.deepEqual(withIntent?.entries.filter((e) => e.intentToAdd).map((e) => e.path), [
    "exp/new.txt",
  ]);
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: a worktree reads its own index through the gitdir: file", async () => {
  await using dir = await tempDir("git-worktree");
  const { repo, commit } = await repository(dir.path);
  await git(repo, "worktree", "add", "-q", "-b", "side", "../side");
  const side = join(dir.path, "side");
  assert.deepEqual(await gitCommitOf(join(side, "exp")), { commit, branch: "side", dirty: false });
  await Deno.writeTextFile(join(side, "exp/a.txt"), "edited in the worktree\n");
  assert.equal((await gitCommitOf(join(side, "exp")))?.dirty, true);
  assert.equal((await gitCommitOf(join(repo, "exp")))?.dirty, false);
});

/** Stores `text` as a blob and returns its id. */
async function blob(repo: string, text: string): Promise<string> {
  const tmp = join(repo, ".git", "blob.tmp");
  await Deno.writeTextFile(tmp, text);
  const id = (await git(repo, "hash-object", "-w", ".git/blob.tmp")).trim();
  await Deno.remove(tmp);
  return id;
}

/** Makes `path` a symlink to `target` in the index and the working tree (Deno.symlink needs unscoped permissions). */
async function link(repo: string, path: string, target: string): Promise<void> {
  const id = await blob(repo, target);
  await git(repo, "update-index", "--add", "--cacheinfo", `120000,${id},${path}`);
  await git(repo, "checkout", "--", path);
}

Deno.test("git dirty: symlinks are compared by target, never followed", async () => {
  await using dir = await tempDir("git-symlink");
  const { repo, exp } = await repository(dir.path);
  await link(repo, "exp/link", "../other/c.txt");
  await git(repo, "commit", "-q", "-m", "link");
  assert.equal((await Deno.lstat(join(exp, "link"))).isSymlink, true);
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  // The file it points to is outside the folder: editing it changes nothing here.
  await Deno.writeTextFile(join(repo, "other/c.txt"), "gamma, edited\n");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  assert.equal(await gitSaysDirty(repo, "exp"), false);
});

Deno.test("git dirty: a directory replaced by a symlink to an identical copy is dirty", async () => {
  await using dir = await tempDir("git-symlinked-dir");
  const { repo, exp } = await repository(dir.path);
  await link(repo, "elsewhere", "../other"); // resolved once moved to exp/sub
  await git(repo, "rm", "-q", "--cached", "elsewhere");
  await write(repo, "other/b.txt", "beta\n");
  await Deno.remove(join(exp, "sub"), { recursive: true });
  await Deno.rename(join(repo, "elsewhere"), join(exp, "sub"));
  // Following the link would find the same bytes: the tracked file is still gone.
  assert.equal(await Deno.readTextFile(join(exp, "sub/b.txt")), "beta\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: a retargeted symlink is dirty", async () => {
  await using dir = await tempDir("git-retarget");
  const { repo, exp } = await repository(dir.path);
  await link(repo, "exp/link", "a.txt");
  await git(repo, "commit", "-q", "-m", "link");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
  // Point the working-tree link elsewhere, then put the index back to the commit.
  await link(repo, "exp/link", "sub/b.txt");
  await git(repo, "update-index", "--cacheinfo", `120000,${await blob(repo, "a.txt")},exp/link`);
  assert.equal(await Deno.readLink(join(exp, "link")), "sub/b.txt");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
  assert.equal(await gitSaysDirty(repo, "exp"), true);
});

Deno.test("git dirty: gitlinks (submodules) are skipped", async () => {
  await using dir = await tempDir("git-gitlink");
  const { repo, exp, commit } = await repository(dir.path);
  await git(repo, "update-index", "--add", "--cacheinfo", `160000,${commit},exp/module`);
  await git(repo, "commit", "-q", "-m", "submodule");
  assert.equal((await gitCommitOf(exp))?.dirty, false);
});

Deno.test("git dirty: SHA-256 repositories hash blobs with SHA-256", async () => {
  await using dir = await tempDir("git-sha256");
  const { repo, exp, commit } = await repository(dir.path, "--object-format=sha256");
  assert.match(commit, /^[0-9a-f]{64}$/);
  const config = parseGitConfig(await Deno.readTextFile(join(repo, ".git/config")));
  assert.equal(config.get("extensions.objectformat"), "sha256");
  assert.deepEqual(await gitCommitOf(exp), { commit, branch: "main", dirty: false });
  await Deno.writeTextFile(join(repo, "exp/a.txt"), "ALPHA\n");
  assert.equal((await gitCommitOf(exp))?.dirty, true);
});

Deno.test("git dirty: a corrupt, truncated or split index gives dirty undefined, no throw", async () => {
  await using dir = await tempDir("git-corrupt");
  const { repo, exp, commit } = await repository(dir.path);
  const indexPath = join(repo, ".git/index");
  const good = await Deno.readFile(indexPath);
  const checkout = { topLevel: repo, gitDir: join(repo, ".git"), commonDir: join(repo, ".git") };

  await Deno.writeFile(indexPath, good.subarray(0, good.length - 7));
  assert.deepEqual(await gitCommitOf(exp), { commit, branch: "main" });
  await Deno.writeFile(indexPath, new TextEncoder().encode("not an index at all"));
  assert.equal(await gitDirtyOf(checkout, exp), undefined);
  const flipped = good.slice();
  flipped[40] ^= 1;
  await Deno.writeFile(indexPath, flipped);
  assert.equal(await gitDirtyOf(checkout, exp), undefined);
  await Deno.remove(indexPath);
  assert.deepEqual(await gitCommitOf(exp), { commit, branch: "main" });

  await Deno.writeFile(indexPath, good);
  await git(repo, "update-index", "--split-index");
  assert.equal(parseGitIndex(await Deno.readFile(indexPath))?.split, true);
  assert.equal(await gitDirtyOf(checkout, exp), undefined);
});

Deno.test("parseGitIndex: every truncation and byte flip is refused or parsed, never thrown", async () => {
  await using dir = await tempDir("git-fuzz");
  const { repo } = await repository(dir.path);
  await git(repo, "update-index", "--index-version", "4");
  for (const version of ["4", "2"]) {
    await git(repo, "update-index", "--index-version", version);
    const good = await Deno.readFile(join(repo, ".git/index"));
    assert.equal(parseGitIndex(good)?.entries.length, 4);
    // A zero checksum (index.skipHash) is not verified, so the parser's own bounds are exercised.
    const unchecked = (bytes: Uint8Array) => {
      const copy = bytes.slice();
      copy.fill(0, Math.max(0, copy.length - 20));
      return copy;
    };
    assert.equal(parseGitIndex(unchecked(good))?.entries.length, 4);
    for (let length = 0; length < good.length; length++) {
      const parsed = parseGitIndex(unchecked(good.subarray(0, length)));
      assert.ok(parsed === undefined || parsed.entries.length <= 4);
    }
    for (let at = 0; at < good.length - 20; at++) {
      const flipped = unchecked(good);
      flipped[at] ^= 0xff;
      parseGitIndex(flipped); // must not throw
      flipped[at] ^= 0xff;
    }
  }
  const huge = unchecked20(
    new Uint8Array([0x44, 0x49, 0x52, 0x43, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]),
  );
  assert.equal(parseGitIndex(huge), undefined);
});

function unchecked20(header: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(header.length + 20);
  bytes.set(header);
  return bytes;
}

Deno.test("parseGitConfig reads plain settings and skips subsections", () => {
  const config = parseGitConfig(
    '[core]\n\tfileMode = false ; comment\n\tbare\n[remote "origin"]\n\turl = x\n[Extensions]\n\tobjectFormat = "sha256"\n',
  );
  assert.equal(config.get("core.filemode"), "false");
  assert.equal(config.get("core.bare"), "true");
  assert.equal(config.get("remote.url"), undefined);
  assert.equal(config.get("extensions.objectformat"), "sha256");
});

Deno.test("blobId matches git hash-object", async () => {
  await using dir = await tempDir("git-blob");
  const { repo } = await repository(dir.path);
  assert.equal(blobId(new TextEncoder().encode("hi\n")), await blob(repo, "hi\n"));
});

Deno.test("a hostile .git cannot make provenance read or report anything but a commit id", async () => {
  await using dir = await tempDir("git-hostile");
  const secret = join(dir.path, "secret.txt");
  await Deno.writeTextFile(secret, "0123456789abcdef0123456789abcdef01234567\n");
  const repo = join(dir.path, "repo");
  await Deno.mkdir(join(repo, ".git", "refs", "heads"), { recursive: true });
  const head = join(repo, ".git", "HEAD");
  // A ref that climbs out of .git to a file shaped like a commit id.
  await Deno.writeTextFile(head, "ref: refs/../../../secret.txt\n");
  assert.equal(await gitCommitOf(repo), undefined);
  await Deno.writeTextFile(head, "ref: ../secret.txt\n");
  assert.equal(await gitCommitOf(repo), undefined);
  // A branch whose file holds something else than a commit id is not reported.
  await Deno.writeTextFile(head, "ref: refs/heads/main\n");
  await Deno.writeTextFile(join(repo, ".git", "refs", "heads", "main"), "root:x:0:0:root:/root\n");
  assert.equal(await gitCommitOf(repo), undefined);
  // A FIFO where HEAD should be must not block (reading it would wait forever).
  await Deno.remove(head);
  assert.ok((await new Deno.Command("mkfifo", { args: [head] }).output()).success);
  assert.equal(await gitCommitOf(repo), undefined);
  // The well-formed case still works.
  await Deno.remove(head);
  await Deno.writeTextFile(head, "ref: refs/heads/main\n");
  const id = "a".repeat(40);
  await Deno.writeTextFile(join(repo, ".git", "refs", "heads", "main"), `${id}\n`);
  assert.equal((await gitCommitOf(repo))?.commit, id);
});
