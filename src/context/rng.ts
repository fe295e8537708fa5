/**
 * A small, fast, seedable pseudo-random generator (sfc32, seeded through
 * splitmix32). The same seed gives the same stream on every platform and in
 * every isolate, which is what makes replicate metrics bit-identical across
 * execution strategies. It is not cryptographically secure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "@crystallize/deno";
 *
 * const rng = new Rng(42);
 * const x = rng.random();
 * assert.ok(x >= 0 && x < 1);
 * const roll = rng.int(1, 6); // a die roll, both ends included
 * assert.ok(Number.isInteger(roll) && roll >= 1 && roll <= 6);
 * assert.equal(typeof rng.normal(0, 1), "number");
 * assert.equal(new Rng(42).random(), x); // same seed, same sequence
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  /** Seeds the generator from any 32-bit unsigned integer (other numbers are reduced mod 2^32). */
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // Discard the first outputs: sfc32 mixes poorly right after seeding.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * The generator's full state (four words and the spare normal draw, `NaN`
   * when none): {@linkcode Rng.fromState} continues the stream exactly here.
   */
  state(): number[] {
    return [this.#a, this.#b, this.#c, this.#d, this.#spareNormal ?? NaN];
  }

  /**
   * A generator continuing from a {@linkcode Rng.state} snapshot.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "@crystallize/deno";
   *
   * const a = new Rng(1);
   * const b = Rng.fromState(a.state());
   * assert.equal(a.random(), b.random());
   * ```
   */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    [rng.#a, rng.#b, rng.#c, rng.#d] = state;
    rng.#spareNormal = Number.isNaN(state[4]) ? undefined : state[4];
    return rng;
  }

  /** The next 32-bit unsigned integer of the stream. */
  uint32(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /**
   * A uniform integer in `[0, n)` for `1 <= n <= 2^32`, without modulo bias
   * (draws from the top partial block of 2^32 are rejected).
   */
  below(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** A float in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * An integer in `[lo, hi]`, both ends included (like Python's
   * `random.randint`). Throws a `RangeError` when `hi < lo` or either end is
   * not a safe integer.
   */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`rng.int(lo, hi) needs integers with lo <= hi, got (${lo}, ${hi})`);
    }
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  /** A normal draw with mean `mu` and standard deviation `sigma` (Box-Muller, pairs cached). */
  normal(mu = 0, sigma = 1): number {
    let z = this.#spareNormal;
    if (z === undefined) {
      const u = 1 - this.random(); // (0, 1]: log(u) is finite
      const v = this.random();
      const radius = Math.sqrt(-2 * Math.log(u));
      z = radius * Math.cos(2 * Math.PI * v);
      this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    } else {
      this.#spareNormal = undefined;
    }
    return mu + sigma * z;
  }

  /** Picks one element of a non-empty array uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("rng.choice() needs a non-empty array");
    return items[Math.floor(this.random() * items.length)];
  }

  /** Returns a new array with the items in a uniformly random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
