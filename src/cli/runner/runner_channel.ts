import { parentChannel } from "../../execution/worker/parent_channel.ts";
import type { FromRunner, ToRunner } from "./protocol.ts";

/** Exit code of a runner whose CLI went away (128 + SIGHUP, as a shell would report it). */
const EXIT_ORPHANED = 129;

/** An answer of the CLI to one of the runner's pool requests. */
export type PoolAnswer = ToRunner & { readonly type: `pool-${string}` };

/**
 * The runner's side of its conversation with the CLI: sends runner
 * messages, hands out the CLI's requests in order, turns `cancel` into an
 * abort of {@linkcode RunnerChannel.cancelled}, and routes the answers to
 * pool requests to whoever waits for that pool (`pool_relay.ts`). When the
 * CLI goes away (it never closes the runner's input otherwise), the runner
 * exits: nobody is left to report to.
 *
 * @example
 * ```ts ignore
 * // Not run: it serves this process's stdin and stdout (the runner's, with the CLI at the other end).
 * import { RunnerChannel } from "./runner_channel.ts";
 *
 * const channel = new RunnerChannel();
 * const request = await channel.next(); // { type: "run", ... } or { type: "inspect", ... }
 * channel.send({ type: "failed", error: { name: "Error", message: "not yet", kind: "run" } });
 * ```
 */
export class RunnerChannel {
  readonly #parent = parentChannel<FromRunner, ToRunner>();
  readonly #queue: ToRunner[] = [];
  readonly #waiting: ((m: ToRunner | undefined) => void)[] = [];
  readonly #pools = new Map<number, (answer: PoolAnswer) => void>();
  readonly #cancel = new AbortController();

  /** Starts reading the CLI's messages. */
  constructor() {
    this.#read();
  }

  /** Aborted when the CLI asks to cancel (Ctrl-C). */
  get cancelled(): AbortSignal {
    return this.#cancel.signal;
  }

  /** Sends a message to the CLI. */
  send(message: FromRunner): void {
    this.#parent.send(message);
  }

  /** The CLI's next request (not a cancel, not a pool answer). */
  next(): Promise<ToRunner | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Routes the answers to pool `id` to `handler` until {@linkcode RunnerChannel.closePool}. */
  openPool(id: number, handler: (answer: PoolAnswer) => void): void {
    this.#pools.set(id, handler);
  }

  /** Stops routing answers to pool `id`. */
  closePool(id: number): void {
    this.#pools.delete(id);
  }

  async #read(): Promise<void> {
    for await (const message of this.#parent.messages()) this.#dispatch(message);
    // Experiment code stops here, at its next await.
    Deno.exit(EXIT_ORPHANED);
  }

  #dispatch(message: ToRunner): void {
    switch (message.type) {
      case "cancel":
        this.#cancel.abort(new DOMException("The run was cancelled", "AbortError"));
        return;
      case "pool-events":
      case "pool-log":
      case "pool-outcomes":
      case "pool-done":
      case "pool-failed":
        this.#pools.get(message.id)?.(message);
        return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(message);
    else this.#queue.push(message);
  }
}
