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
import { FRAME_KEY_BYTES, FrameReader, FrameWriter } from "./frames.ts";

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
  const reader = new FrameReader();
  for await (const chunk of Deno.stdin.readable) yield* reader.push(chunk).frames;
}
