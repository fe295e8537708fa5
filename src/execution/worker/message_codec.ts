/**
 * Protocol messages as bytes, with the structured-clone semantics of V8's
 * serializer (`node:v8`) but, for plain data, without loading it: the first
 * `node:` module a process imports starts Deno's Node layer, 6–12 ms of every
 * worker's start-up, and nearly every message is plain data.
 *
 * Plain data is `undefined`, `null`, booleans, numbers (`-0` and `NaN`
 * included), bigints, well-formed strings, `Date`s, and arrays (without holes
 * or extra properties, at most {@linkcode PLAIN_ARRAY_LIMIT} long) and
 * objects (of `Object.prototype` or none) of plain data; an object reached
 * again (a shared or cyclic reference) arrives as the same object, as with
 * V8. Everything else — a `Map`, a typed array, a class instance, a lone
 * surrogate, a long array — is written by V8's
 * serializer, as before, so what arrives is what V8 would have delivered.
 * V8's bytes start with `0xff`; the plain form starts with
 * {@linkcode PLAIN_VERSION}, so the decoder tells them apart. (One
 * difference: a `Proxy` of plain data arrives as the data it shows, where V8
 * refuses to clone it.)
 * @module
 */
import { nodeV8 } from "../../node_builtins.ts";

/** First byte of the plain form (V8's own form starts with `0xff`). */
export const PLAIN_VERSION = 0x01;
/**
 * Longer arrays go to V8's serializer: it copies numbers natively, and the
 * check for extra properties (`Object.keys`) would cost more than it saves.
 */
export const PLAIN_ARRAY_LIMIT = 256;

const T = {
  undefined: 0x75, // u
  null: 0x6e, // n
  true: 0x74, // t
  false: 0x66, // f
  int: 0x69, // i: int32
  double: 0x64, // d: float64
  bigint: 0x62, // b: decimal digits
  string: 0x73, // s: uint32 byte length, UTF-8
  date: 0x44, // D: float64 time value
  array: 0x61, // a: uint32 length, items
  object: 0x6f, // o: uint32 count, (key, value) pairs
  reference: 0x72, // r: uint32 number of an object (array, object, date) met before
} as const;

/** Thrown inside the encoder when a value is not plain data; never escapes. */
const NOT_PLAIN = new Error("not plain data");

/** A writer's buffer grown beyond this is not kept for the next message. */
const KEPT_BUFFER_BYTES = 1 << 16;
/** Strings shorter than this are copied by a loop while they are ASCII: cheaper than a call. */
const SHORT_STRING = 64;

const utf8 = new TextEncoder();
let idle: PlainWriter | undefined;
const fromUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The bytes of `message`: the plain form when it is plain data, V8's
 * serialization otherwise (which throws its own error, "… could not be
 * cloned", for what cannot be, such as a function).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMessage, encodeMessage, PLAIN_VERSION } from "./message_codec.ts";
 *
 * const message = { type: "outcome", at: new Date(0), error: undefined, x: -0 };
 * const bytes = encodeMessage(message);
 * assert.equal(bytes[0], PLAIN_VERSION);
 * assert.deepEqual(decodeMessage(bytes), message);
 * assert.equal(encodeMessage(new Map([[1, 2]]))[0], 0xff);
 * ```
 */
export function encodeMessage(message: unknown): Uint8Array {
  // One writer serves every call (its buffer is kept); a getter in the message that encodes a
  // message of its own gets a writer of its own.
  const writer = idle ?? new PlainWriter();
  idle = undefined;
  try {
    writer.start();
    writer.value(message);
    return writer.bytes();
  } catch {
    // Not plain data, nesting deeper than the stack allows, or a getter that threw: V8's
    // serializer does what it always did with such a value (and throws what it throws).
    return nodeV8().serialize(message);
  } finally {
    writer.clear();
    idle = writer;
  }
}

/**
 * The message `bytes` hold (as {@linkcode encodeMessage} wrote them). Bytes
 * it did not write throw: a truncated or malformed plain form a `TypeError`,
 * `RangeError` or `SyntaxError`, V8's form whatever its deserializer throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMessage, encodeMessage } from "./message_codec.ts";
 *
 * const message = { steps: [{ name: "__proto__", params: { n: 2n } }], sets: new Set([1]) };
 * assert.deepEqual(decodeMessage(encodeMessage(message)), message);
 * assert.throws(() => decodeMessage(new Uint8Array([0x01, 0x73, 9])));
 * ```
 */
export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes[0] !== PLAIN_VERSION) return nodeV8().deserialize(bytes);
  const reader = new PlainReader(bytes);
  const value = reader.value();
  if (!reader.done) throw new SyntaxError("bytes after the end of a message");
  return value;
}

/** Writes the plain form into a buffer that grows by doubling. */
class PlainWriter {
  #buf = new Uint8Array(1024);
  #view = new DataView(this.#buf.buffer);
  #at = 0;
  /** The objects written so far, numbered in order: a second visit writes a reference. */
  readonly #seen = new Map<object, number>();

  start(): void {
    this.#at = 0;
    this.byte(PLAIN_VERSION);
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#at);
  }

  /** Lets go of the message's objects (and of a buffer a large message grew). */
  clear(): void {
    this.#seen.clear();
    if (this.#buf.length > KEPT_BUFFER_BYTES) {
      this.#buf = new Uint8Array(1024);
      this.#view = new DataView(this.#buf.buffer);
    }
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#at++] = b;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case "undefined":
        return this.byte(T.undefined);
      case "boolean":
        return this.byte(v ? T.true : T.false);
      case "number":
        return this.#number(v);
      case "string":
        return this.#string(T.string, v);
      case "bigint":
        return this.#string(T.bigint, v.toString());
      case "object":
        return v === null ? this.byte(T.null) : this.#object(v);
      default:
        throw NOT_PLAIN; // functions and symbols: V8 says why they cannot be cloned
    }
  }

  #number(n: number): void {
    if ((n | 0) === n && !Object.is(n, -0)) {
      this.byte(T.int);
      this.#room(4);
      this.#view.setInt32(this.#at, n, true);
      this.#at += 4;
    } else this.#double(T.double, n);
  }

  #double(tag: number, n: number): void {
    this.byte(tag);
    this.#room(8);
    this.#view.setFloat64(this.#at, n, true);
    this.#at += 8;
  }

  #string(tag: number, s: string): void {
    this.byte(tag);
    this.#room(4 + 3 * s.length);
    const start = this.#at + 4;
    const buf = this.#buf;
    let end = start;
    if (s.length < SHORT_STRING) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          end = -1;
          break;
        }
        buf[end++] = c;
      }
    } else end = -1;
    if (end < 0) {
      // TextEncoder would replace a lone surrogate: V8 keeps it.
      if (!s.isWellFormed()) throw NOT_PLAIN;
      end = start + utf8.encodeInto(s, buf.subarray(start)).written;
    }
    this.#view.setUint32(this.#at, end - start, true);
    this.#at = end;
  }

  #object(o: object): void {
    // A shared (or cyclic) reference stays one object, as V8 keeps it.
    const id = this.#seen.get(o);
    if (id !== undefined) return this.#tagged(T.reference, id);
    this.#seen.set(o, this.#seen.size);
    const proto = Object.getPrototypeOf(o);
    if (Array.isArray(o) && proto === Array.prototype) return this.#array(o);
    if (proto === Date.prototype && o instanceof Date) return this.#double(T.date, o.getTime());
    if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
    const keys = Object.keys(o);
    this.#tagged(T.object, keys.length);
    const record = o as Record<string, unknown>;
    for (const key of keys) {
      this.#string(T.string, key);
      this.value(record[key]);
    }
  }

  #array(a: unknown[]): void {
    // Holes and extra properties make `Object.keys` differ from the length.
    if (a.length > PLAIN_ARRAY_LIMIT || Object.keys(a).length !== a.length) throw NOT_PLAIN;
    this.#tagged(T.array, a.length);
    for (let i = 0; i < a.length; i++) this.value(a[i]);
  }

  /** A tag and a uint32 (a count, or the number of an object met before). */
  #tagged(tag: number, n: number): void {
    this.byte(tag);
    this.#room(4);
    this.#view.setUint32(this.#at, n, true);
    this.#at += 4;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#at + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#at));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** Reads the plain form; every read is bounds-checked, so malformed bytes throw. */
class PlainReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #at = 1; // after PLAIN_VERSION
  readonly #objects: object[] = [];

  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.#at === this.#buf.length;
  }

  value(): unknown {
    const tag = this.#take(1);
    switch (this.#buf[tag]) {
      case T.undefined:
        return undefined;
      case T.null:
        return null;
      case T.true:
        return true;
      case T.false:
        return false;
      case T.int:
        return this.#view.getInt32(this.#take(4), true);
      case T.double:
        return this.#view.getFloat64(this.#take(8), true);
      case T.bigint:
        return BigInt(this.#string());
      case T.string:
        return this.#string();
      case T.date:
        return this.#met(new Date(this.#view.getFloat64(this.#take(8), true)));
      case T.reference:
        return this.#reference();
      case T.array:
        return this.#array();
      case T.object:
        return this.#object();
      default:
        throw new SyntaxError(`unknown tag ${this.#buf[tag]} at byte ${tag}`);
    }
  }

  #string(): string {
    const length = this.#view.getUint32(this.#take(4), true);
    const start = this.#take(length);
    const buf = this.#buf;
    if (length < SHORT_STRING) {
      let i = start;
      while (i < start + length && buf[i] < 0x80) i++;
      // `apply` takes the bytes as they are (a spread copies them into an array first: 2.5× slower).
      if (i === start + length) {
        return String.fromCharCode.apply(null, buf.subarray(start, start + length) as never);
      }
    }
    return fromUtf8.decode(buf.subarray(start, start + length));
  }

  #array(): unknown[] {
    const length = this.#count();
    const a = this.#met<unknown[]>([]);
    for (let i = 0; i < length; i++) a.push(this.value());
    return a;
  }

  #object(): Record<string, unknown> {
    const count = this.#count();
    const o = this.#met<Record<string, unknown>>({});
    for (let i = 0; i < count; i++) {
      const key = this.#take(1);
      if (this.#buf[key] !== T.string) throw new SyntaxError(`a key is not a string at ${key}`);
      const name = this.#string();
      const value = this.value();
      // An own property, as V8's deserializer makes it: assigning `__proto__` would set the
      // prototype.
      if (name === "__proto__") {
        Object.defineProperty(o, name, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else o[name] = value;
    }
    return o;
  }

  /** Numbers `o` as the writer did (before its items: they may refer to it). */
  #met<O extends object>(o: O): O {
    this.#objects.push(o);
    return o;
  }

  #reference(): object {
    const id = this.#view.getUint32(this.#take(4), true);
    if (id >= this.#objects.length) {
      throw new SyntaxError(`a reference to object ${id} of ${this.#objects.length}`);
    }
    return this.#objects[id];
  }

  /** A count of items, each at least one byte: more than the bytes left is malformed. */
  #count(): number {
    const n = this.#view.getUint32(this.#take(4), true);
    if (n > this.#buf.length - this.#at) {
      throw new RangeError(`a count of ${n} exceeds the bytes left`);
    }
    return n;
  }

  /** The offset of the next `n` bytes, which must be there. */
  #take(n: number): number {
    const at = this.#at;
    if (at + n > this.#buf.length) throw new RangeError("the message ends early");
    this.#at = at + n;
    return at;
  }
}
