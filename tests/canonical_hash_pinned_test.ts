/**
 * canonicalHash values pinned as computed before the encoder was split and
 * sped up (commit 47ea31b): the cache keys of stored step caches must stay
 * valid, so these hex digests must never change. The inputs reach every
 * branch of the encoding (every tag, every string form at every size the
 * encoder treats differently, buffered and unbuffered bytes, varint widths).
 */
import assert from "node:assert/strict";
import { canonicalHash, resourceFactory } from "../mod.ts";

class Point {
  constructor(readonly x: number, readonly y: number) {}
  toJSON() {
    return { x: this.x, y: this.y };
  }
}

const nullProto = Object.assign(Object.create(null), { b: 2, a: 1 });
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);

const wide = (n: number) => Array.from({ length: n }, (_, i) => `数据-${i}-行`.repeat(1 + i % 5));

const PINNED: [name: string, input: () => unknown, sha256: string][] = [
  [
    "undefined",
    () => undefined,
    "0bfe935e70c321c7ca3afc75ce0d0ca2f98b5422e008bb31c00c6d7f1f1c0ad6",
  ],
  ["null", () => null, "1b16b1df538ba12dc3f97edbb85caa7050d46c148134290feba80f8236c83db9"],
  [
    "booleans",
    () => [true, false],
    "e302987d3fe8550409d54e001513aa4fa4328dd488acd1bd4f654279748fc33a",
  ],
  [
    "numbers",
    () => [0, -0, 1, -1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e-300],
    "509e2fbd42b200b343f1bb91009dca12dbdb294783e639a0695f873ec8234909",
  ],
  [
    "numbers in a mixed array",
    () => [0, -0, NaN, "0", null],
    "42338ae87afcceda800241fa1cf368cae83527c15896c975fcf990d5c2b78c92",
  ],
  [
    "bigints",
    () => [0n, -1n, 10n ** 40n],
    "2bdfde25148e8f19174ea3b3cd1d069b92a5a27953f061d253411c6e06a119de",
  ],
  [
    "short strings of every form",
    () => ["", "a", "é", "数", "\uD800", "a\uDFFF", "x".repeat(127)],
    "51747346d6d34c18f6519f7882c0f17a42dd5230168902af0f3b548dc9b94e7d",
  ],
  [
    "128 ASCII",
    () => "a".repeat(128),
    "1ec80ba74515d0ff05c5cd9775f0ebe2077d9b042e4d842750d00b355c7ec50e",
  ],
  [
    "long Latin-1",
    () => "é".repeat(300) + "-ü",
    "d489aa869658cfc1078f3d0fae6584924d6c62b3cbd175c25aff4b3fddabb18f",
  ],
  [
    "long CJK",
    () => "数据行".repeat(100),
    "39f4f7a79b116c05fe30c87a108402152583622f4e0f6de3503bc10fe8c7beaf",
  ],
  [
    "long lone surrogate",
    () => "a".repeat(200) + "\uD800",
    "6d7a91ed1f7ccdd8082cc47a90a4c0a5bd4f2a5c032b1449d6e5153b58ac3656",
  ],
  [
    "two-byte after an odd position",
    () => ["x", "a".repeat(130) + "\uD801"],
    "01f84164adc770e02857906d90da01b7beb6e2a6dbdab75732d060efe1a7bde4",
  ],
  [
    "huge ASCII",
    () => "q".repeat(100_000),
    "74dda29d5129aca86c45c0b43fe2a9f1c0ccffcd0f31a0795df03a439a2497ea",
  ],
  [
    "huge Latin-1",
    () => "ÿ".repeat(70_000),
    "d522fbe6ffbca96780750e2aeb3d6bde31a1a831d3c15eccafed339bd1df03c6",
  ],
  [
    "huge CJK",
    () => "数".repeat(40_000),
    "bbe537061c5ae1e6960a214cb550017b7e50f45c7b2ead4cf18b336c8a3cad20",
  ],
  [
    "huge lone surrogates",
    () => "\uDFFF".repeat(40_000),
    "6c3df66d96238127ca49aab38ad64792810cfdb9fee7706dada2eb85739fddbd",
  ],
  [
    "empty containers",
    () => [[], {}, new Map(), new Set()],
    "d3873340c2f28921efa3d0b6bb4a060cfe900b2954c342348331d00713af674e",
  ],
  [
    "few numbers",
    () => [1, 2, 3, 4.5],
    "4f1dbea87510ce9d14a854cbd1c1b237c7f7aa2f981ebb2f2a3b91311074b205",
  ],
  [
    "many numbers",
    () => Array.from({ length: 10_000 }, (_, i) => i % 7 === 0 ? NaN : i / 3),
    "fdbfc3ae45d7493f31a9c5ea9e674edab75834ca7c911cf41ac7eb3a2734e11d",
  ],
  [
    "strings array",
    () => Array.from({ length: 300 }, (_, i) => `s-${i}-é`),
    "d1c5a52acb649f9be34a000b58f4de6f6b446ca58af9df9e5135228ac9d4486e",
  ],
  [
    "mixed array",
    () => [1, "a", [2, "b"], { c: [3] }, undefined, null, true],
    "307d1d567b0637feda30971be11ee7a8fbd87dc9d9b5545c5561ca9c3daab183",
  ],
  [
    "nested objects",
    () => ({ z: { y: { x: [1, { w: "v" }] } }, a: undefined, "": 0 }),
    "b87b1344338b3e7e214504dfff2fe3785ffc65c59665edd4d36c0f749ba7f08f",
  ],
  [
    "rows of one shape",
    () => Array.from({ length: 200 }, (_, i) => ({ id: i, s: i / 7, l: `r${i}` })),
    "c3e7b661beb74defab9a5fe93113289330d2fccac718053e11c1494570f3465d",
  ],
  [
    "rows of two shapes",
    () => [{ a: 1, b: 2 }, { b: 3, a: 4 }, { a: 5, c: 6 }, { a: 7, b: 8 }],
    "fb42ef41e85996ae4fc32f45a5d65f56695aa185efd541a407b1ba1b01d8a5db",
  ],
  [
    "null-prototype object",
    () => nullProto,
    "ce1b8e51315c1fec61f910bc0aae65196f29150a023afff973eccfbaa5516ea0",
  ],
  [
    "typed arrays",
    () => [
      Uint8Array.of(1, 2),
      Int8Array.of(-1),
      Float32Array.of(0.5),
      new DataView(bytes(5).buffer, 1, 3),
    ],
    "42d95f184880b2424ec7982990ff7b25691976e2309c46a331a6611b8f86343d",
  ],
  [
    "ArrayBuffer",
    () => bytes(10).buffer,
    "bcf2c4a803bd5ba8930be0f090f6f570ca1426758b11dd42bd056aedba34ae5e",
  ],
  [
    "bytes that fill the buffer",
    () => [bytes(40_000), bytes(40_000)],
    "e8e35126c526957944f413129514bb408b9453d16a86fd9ac177b95591fb4b8e",
  ],
  [
    "bytes larger than the buffer",
    () => bytes(200_000),
    "bf0dd9c42dac394359b4f36c5ab6d116d0b8d71d67b5876b5972384885ae42f2",
  ],
  [
    "Float64Array",
    () => Float64Array.from({ length: 5_000 }, (_, i) => i * 0.25),
    "2c4582bc417c235359467dc1ed0dec5f2a96e1b2c8ccfc7148728631d26d421f",
  ],
  [
    "dates and regexps",
    () => [new Date(0), new Date("2024-01-02T03:04:05Z"), /a+b/gi],
    "5d1df592c2375064458b1cd206cfada7055d35aeb645271ac0f905d6558cc1b0",
  ],
  [
    "Map by strings",
    () => new Map<string, unknown>([["b", [1]], ["a", { x: 1 }], ["c", "v"]]),
    "5c839ebce256d41256395cf5468409197ebccfaf0c4b2487b430d92da1fc6925",
  ],
  [
    "Map by numbers",
    () => new Map<number, unknown>([[2, "x"], [NaN, "y"], [-1, "z"], [-0, 0]]),
    "9e7a94ffe9bf5556204013b8c672bfded0a215f8b7a22c9a526310f2897908b5",
  ],
  [
    "Map of mixed keys",
    () => new Map<unknown, unknown>([["a", 1], [2, 2], [{ k: 1 }, [3]]]),
    "49f89e5fd3a455162b91b8fd2a2491a81ff82e80b17fb0d1bb46416ff9b4f0fd",
  ],
  [
    "Set of numbers",
    () => new Set([3, NaN, -2, 0.5]),
    "c5d5d28e361d6f205d10b64b5a9019992956cae7aa20f4d7028560ccaba7f80c",
  ],
  [
    "Set of strings",
    () => new Set(["b", "a", "数"]),
    "800d6a3e59677392f2834b34ebe78f3cab851c5c0a5161654ed89ec584711cec",
  ],
  [
    "Set of mixed members",
    () => new Set<unknown>(["a", 1, { k: [1] }, null]),
    "9c20e89d47473d8112f41cfc421f38f141f345e582120cae720feaf9b46a006f",
  ],
  [
    "resource factories",
    () => [resourceFactory(() => 1, { key: "db" }), resourceFactory(() => 2)],
    "60a30e4d28469bd0f39563b9074fb302d16a93d3430b5caa4036a895e8a44943",
  ],
  [
    "class with toJSON",
    () => ({ p: new Point(1, 2) }),
    "066744958c28ab610f5a362b641cf08c5253bde1595c98b3ac9f00254a6c3339",
  ],
  [
    "varint lengths",
    () => [Array(130).fill(null), Array(20_000).fill(true)],
    "9e486dde0c4ebfe9ed73339fe5c4347e9a657dc3da178778aeaf95f2040b8c5b",
  ],
  [
    "large string map",
    () => new Map(Array.from({ length: 500 }, (_, i) => [`key-${i}`, [i, i + 1]])),
    "6bc5c2e5e4139c14b27b65b5c6f8695fef3cb764fa674f76b98a471aec7caeb9",
  ],
  [
    "tuples",
    () => Array.from({ length: 300 }, (_, i) => [i, `s${i}`, { k: i % 3 === 0 ? null : true }]),
    "ef320ff3d1fe8ef69899b1a0fe9ce1ae328badabc8c6b9ee5b3c104a18de7921",
  ],
  [
    "bench: 100k CJK strings",
    () => Array.from({ length: 100_000 }, (_, i) => `数据-${i}-行`.repeat(4)),
    "7b5501320d924829cf8b0b154fce6e15bedb126ba2c8c1884f5c9c9235d2d835",
  ],
  [
    "bench: 500k Latin-1 strings",
    () => Array.from({ length: 500_000 }, (_, i) => `é-${i}-ü`),
    "ec6414a6ac6fcc1cdff3bf08c1feacf6589ff752831443b6dde196f4b05b6253",
  ],
  [
    "bench: 260k rows",
    () => Array.from({ length: 260_000 }, (_, i) => ({ id: i, score: i / 7, label: `row-${i}` })),
    "35e59447408a2fd146b68b593c65543bb8f4dff6ec40ec0eb67645620489275a",
  ],
  [
    "wide strings among one-byte ones",
    () => wide(300).map((s, i) => (i % 2 ? `row-${i}` : s)),
    "ac2466ec69e953f647e8f6ba5b4132a40460daa5f5a1eb90a20987f0b35c4731",
  ],
  [
    "wide strings of 60 to 130 code units",
    () => wide(200).map((s, i) => s.padEnd(60 + (i % 70), "数")),
    "6d26e6c072963173117afc6ad1300763358904edb3ed5bfee415924def40cd8b",
  ],
  [
    "narrow two-byte strings among wide ones",
    () =>
      wide(300).map((s, i) => (i % 3 ? s : ("数" + `narrow-${i}-${"x".repeat(i % 40)}`).slice(1))),
    "fbd58a1191b482a203f7626e40412d49956a717dd7f9c20c327caf31c4041c1b",
  ],
  [
    "Set of wide strings",
    () => new Set(wide(500)),
    "848c05b7fd77806ba2d3845a29597f41a62fe1acb853e8409472ea200b20be81",
  ],
  [
    "rows with nested objects",
    () =>
      Array.from({ length: 300 }, (_, i) => ({ id: i, tags: { a: i % 2, b: [i] }, name: `n${i}` })),
    "819d39292826a27fe939e1cbb5c9073b56e603df7f3a702e3d7a1db30ee36d4b",
  ],
];

Deno.test("canonicalHash: values computed before the encoder was split stay the same (stored cache keys stay valid)", () => {
  const changed = PINNED.filter(([, input, sha256]) => canonicalHash(input()) !== sha256)
    .map(([name]) => name);
  assert.deepEqual(changed, []);
});
