/**
 * A child process's side of the channel to its parent (the CLI, or the
 * process that started a worker pool). The first module of every runner and
 * worker entry imports this one, so it evaluates before any experiment
 * module: it reads the frame key the parent wrote as the first bytes on
 * stdin and keeps it, the frame writer and `Deno.stdout.writeSync` in this
 * module's closure. Experiment code loaded later can print to stdout, read
 * what is left of stdin or patch globals, but it cannot learn the key, so
 * nothing it writes is taken for a message of this process.
 * @module
 */
import {
  FRAME_HEADER_BYTES as HEADER_BYTES,
  FRAME_KEY_BYTES,
  FrameReader,
  FrameWriter,
} from "./frames.ts";

const writeSync = Deno.stdout.writeSync.bind(Deno.stdout);
const writer = new FrameWriter(readKey());

function readKey(): Uint8Array {
  const key = new Uint8Array(FRAME_KEY_BYTES);
  let read = 0;
  while (read < key.length) {
    const n = Deno.stdin.readSync(key.subarray(read));
    // The parent went away before saying anything: nothing to serve.
    if (n === null) Deno.exit(0);
    read += n;
  }
  return key;
}

/**
 * Sends one message to the parent as a sealed frame, synchronously, so a
 * message is on its way before the next line runs (a worker that dies right
 * after has still reported what it finished).
 *
 * @example
 * ```ts ignore
 * // Not run: it writes a frame to this process's stdout, for a parent that started it.
 * import { sendToParent } from "./parent_channel.ts";
 *
 * sendToParent({ type: "ready" });
 * ```
 */
export function sendToParent(message: unknown): void {
  const frame = writer.encode(message);
  let written = 0;
  while (written < frame.length) written += writeSync(frame.subarray(written));
}

/** Frames from the parent (plain: experiment code cannot write to this process's stdin). */
const reader = new FrameReader();

/** The most bytes one read of stdin takes (a pipe's buffer). */
const READ_BYTES = 65_536;

/** Fills `bytes` from stdin, blocking; `false` when stdin closes first. */
function readExactlySync(bytes: Uint8Array): boolean {
  for (let read = 0; read < bytes.length;) {
    const n = Deno.stdin.readSync(bytes.subarray(read));
    if (n === null) return false;
    read += n;
  }
  return true;
}

/**
 * The parent's next message, read synchronously (blocking until it has
 * come), or `undefined` when stdin closes first. Only for a message the
 * parent sends at once and unprompted, before anything else runs here (a
 * worker's first `init`): the first asynchronous read of stdin starts a
 * thread, which cost a new worker milliseconds before its first replicate.
 * It reads no byte past the message, so {@linkcode messagesFromParent} goes
 * on from there.
 *
 * @example
 * ```ts ignore
 * // Not run: it reads this process's stdin, which a parent writes frames to.
 * import { messageFromParentSync } from "./parent_channel.ts";
 *
 * const init = messageFromParentSync();
 * ```
 */
export function messageFromParentSync(): unknown {
  // Header first (magic and length), then exactly the rest of the frame.
  let want = HEADER_BYTES;
  for (;;) {
    const chunk = new Uint8Array(want);
    if (!readExactlySync(chunk)) return undefined;
    const { frames } = reader.push(chunk);
    if (frames.length > 0) return frames[0];
    want = reader.missing || 1;
  }
}

/**
 * The parent's messages, read from stdin after the key, until it closes.
 *
 * @example
 * ```ts ignore
 * // Not run: it reads this process's stdin, which a parent writes frames to.
 * import { messagesFromParent } from "./parent_channel.ts";
 *
 * for await (const message of messagesFromParent()) console.error(message);
 * ```
 */
export async function* messagesFromParent(): AsyncGenerator<unknown> {
  for await (const group of messageGroupsFromParent()) yield* group;
}

/**
 * The parent's messages as they were read, in groups: all those that came
 * in one read at once, so a reader can handle them together before any work
 * they queue starts (a worker's `cancel` right behind its `run`).
 *
 * @example
 * ```ts ignore
 * // Not run: it reads this process's stdin, which a parent writes frames to.
 * import { messageGroupsFromParent } from "./parent_channel.ts";
 *
 * for await (const group of messageGroupsFromParent()) console.error(group.length);
 * ```
 */
export async function* messageGroupsFromParent(): AsyncGenerator<unknown[]> {
  // Plain reads rather than `Deno.stdin.readable`, whose web streams Deno loads on first use:
  // ~2 ms of a runner's start before it can take its request.
  for (;;) {
    const chunk = new Uint8Array(READ_BYTES);
    const n = await Deno.stdin.read(chunk);
    if (n === null) return;
    // The reader may keep the bytes until a frame is complete: a short read keeps only its own.
    const { frames } = reader.push(n === READ_BYTES ? chunk : chunk.slice(0, n));
    if (frames.length > 0) yield frames;
  }
}

/** A child's conversation with its parent, typed by its protocol: `Out` to the parent, `In` from it. */
export interface ParentChannel<Out, In> {
  /** Sends a message (see {@linkcode sendToParent}). */
  readonly send: (message: Out) => void;
  /** The parent's next message, read synchronously (see {@linkcode messageFromParentSync}). */
  readonly receiveSync: () => In | undefined;
  /** The parent's messages (see {@linkcode messagesFromParent}; the parent is trusted). */
  readonly messages: () => AsyncGenerator<In>;
  /** The same, in the groups they were read in (see {@linkcode messageGroupsFromParent}). */
  readonly messageGroups: () => AsyncGenerator<In[]>;
}

/**
 * This process's channel to its parent, for one protocol (the worker
 * protocol, the runner protocol): the same frames either way.
 *
 * @example
 * ```ts ignore
 * // Not run: it reads and writes this process's stdin and stdout, which a parent holds.
 * import { parentChannel } from "./parent_channel.ts";
 * import type { FromWorker, ToWorker } from "./messages.ts";
 *
 * const parent = parentChannel<FromWorker, ToWorker>();
 * for await (const message of parent.messages()) if (message.type === "init") parent.send({ type: "ready" });
 * ```
 */
export function parentChannel<Out, In>(): ParentChannel<Out, In> {
  return {
    send: sendToParent,
    receiveSync: messageFromParentSync as () => In | undefined,
    messages: messagesFromParent as () => AsyncGenerator<In>,
    messageGroups: messageGroupsFromParent as () => AsyncGenerator<In[]>,
  };
}
