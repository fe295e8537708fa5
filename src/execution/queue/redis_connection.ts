/**
 * The Redis side of `QueueExecution` and `crystallize worker`: the Redis URL,
 * and BullMQ and ioredis loaded with a dynamic `import()` on first use, so
 * runs that never use a queue do not load (or pay for) either library.
 * @module
 */
import type * as BullMQ from "npm:bullmq@6.7.0";
import type { Queue, Worker } from "npm:bullmq@6.7.0";
import type * as IORedis from "npm:ioredis@5.8.2";
import type { Redis } from "npm:ioredis@5.8.2";
import { CrystallizeError } from "../../errors.ts";

/** A Redis URL that cannot be used; the message says which part is wrong. */
export class RedisUrlError extends CrystallizeError {}

/** Where Redis is, parsed from `redis://[user:password@]host:port[/db]`. */
export interface RedisAddress {
  /** The URL as given. */
  readonly url: string;
  /** Host name or address. */
  readonly host: string;
  /** TCP port (default 6379). */
  readonly port: number;
  /** Database index (default 0). */
  readonly db: number;
  /** `host:port`, as `--allow-net` names it. */
  readonly hostPort: string;
}

/**
 * Parses a Redis URL (`redis://host:port`, with optional credentials and
 * database index); anything else throws {@linkcode RedisUrlError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisAddress } from "./redis_connection.ts";
 *
 * const address = redisAddress("redis://127.0.0.1:6380/2");
 * assert.equal(address.hostPort, "127.0.0.1:6380");
 * assert.equal(address.db, 2);
 * assert.throws(() => redisAddress("http://x"), /redis:\/\//);
 * ```
 */
export function redisAddress(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(`'${url}' is not a URL; give Redis as redis://host:port`);
  }
  if (parsed.protocol !== "redis:") {
    throw new RedisUrlError(`'${url}' is not a Redis URL; give it as redis://host:port`);
  }
  const port = parsed.port === "" ? 6379 : Number(parsed.port);
  const dbPart = parsed.pathname.replace(/^\//, "");
  const db = dbPart === "" ? 0 : Number(dbPart);
  if (!Number.isInteger(db) || db < 0 || db > 15) {
    throw new RedisUrlError(`'${url}': the database index must be 0 to 15, got '${dbPart}'`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new RedisUrlError(`'${url}' names no host; give redis://host:port`);
  return { url, host, port, db, hostPort: `${parsed.hostname}:${port}` };
}

/** The two libraries, loaded once. */
export interface QueueLibrary {
  /** BullMQ's queue class. */
  readonly Queue: typeof Queue;
  /** BullMQ's worker class. */
  readonly Worker: typeof Worker;
  /** The ioredis client class. */
  readonly Redis: typeof Redis;
}

let loading: Promise<QueueLibrary> | undefined;

/**
 * Loads BullMQ and ioredis (once per process). They need network access to
 * Redis and read environment variables at load time (`NODE_ENV`, `DEBUG*`):
 * run with `--allow-net=<host:port>` and `--ignore-env` (which shows them an
 * empty environment) or `--allow-env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadQueueLibrary } from "./redis_connection.ts";
 *
 * const { Queue, Worker, Redis } = await loadQueueLibrary();
 * assert.equal(typeof Queue, "function");
 * assert.equal(typeof Worker, "function");
 * assert.equal(typeof Redis, "function");
 * ```
 */
export function loadQueueLibrary(): Promise<QueueLibrary> {
  loading ??= Promise.all([import(BULLMQ), import(IOREDIS)]).then(
    ([bullmq, ioredis]: [typeof BullMQ, typeof IORedis]) => ({
      Queue: bullmq.Queue,
      Worker: bullmq.Worker,
      Redis: ioredis.Redis,
    }),
  );
  return loading;
}

/**
 * The libraries' specifiers, as values: Deno fetches and resolves every
 * import whose specifier is a literal (dynamic ones too) when it loads the
 * importing module, which would cost every run npm resolution of packages
 * only queue runs use. `deno compile` embeds them with `--include` (see the
 * `compile` task); `deno.lock` pins them.
 */
const BULLMQ = "npm:bullmq@6.7.0";
const IOREDIS = "npm:ioredis@5.8.2";

/**
 * A new ioredis client for `address`, set up as BullMQ needs
 * (`maxRetriesPerRequest: null`: commands wait through reconnects instead of
 * failing), reconnecting every 50–500 ms while Redis is away.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { openRedis, redisAddress } from "./redis_connection.ts";
 *
 * const redis = await openRedis(redisAddress("redis://127.0.0.1:6379"));
 * await redis.ping();
 * redis.disconnect();
 * ```
 */
export async function openRedis(address: RedisAddress): Promise<Redis> {
  const { Redis } = await loadQueueLibrary();
  const client = new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    ...(credentials(address.url)),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
  });
  // Connection errors while Redis is away are expected: ioredis reconnects, and
  // coordinators report an outage themselves (duplicates inherit no listener: see `quietly`).
  return quietly(client);
}

/**
 * `client` with its connection errors silenced (ioredis prints each one
 * otherwise): callers watch `client.status` instead.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { openRedis, quietly, redisAddress } from "./redis_connection.ts";
 *
 * const redis = await openRedis(redisAddress("redis://127.0.0.1:6379"));
 * const reader = quietly(redis.duplicate());
 * ```
 */
export function quietly<T extends Redis>(client: T): T {
  client.on("error", () => {});
  return client;
}

function credentials(url: string): { username?: string; password?: string } {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}
