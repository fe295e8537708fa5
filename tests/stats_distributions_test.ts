import { ok, strictEqual } from "node:assert/strict";
import { gammaRatio } from "../src/verify/stats/gamma_functions.ts";
import { regularizedIncompleteBeta } from "../src/verify/stats/incomplete_beta.ts";
import { normalCdf } from "../src/verify/stats/normal_distribution.ts";
import { studentTCdf } from "../src/verify/stats/student_t.ts";
import { assertClose } from "./assert_close.ts";

// Reference values: python 3.11, scipy 1.17.1, mpmath 1.3.0 (mp.mp.dps = 50).
// Tolerance against scipy is 1e-12 relative everywhere: the largest
// differences observed are ~2e-13, in the deepest tails, and there it is
// scipy that is off (it rounds x/√2 or ν/(ν + t²) before a large exponent);
// against mpmath (exact to the digits shown) the tolerances are tighter.
const REL_SCIPY = 1e-12;

// [x, scipy.special.ndtr(x)]
const NORMAL: [number, number][] = [
  [-37, 5.7255712225239266e-300], // mpmath ncdf: 5.725571222524577e-300
  [-30, 4.906713927147908e-198], // mpmath ncdf: 4.906713927148187e-198
  [-20, 2.7536241186061556e-89],
  [-10, 7.61985302416047e-24],
  [-8, 6.22096057427174e-16],
  [-5, 2.866515718791933e-07],
  [-3, 0.0013498980316300933],
  [-1.96, 0.024997895148220435],
  [-1, 0.15865525393145707],
  [-0.5, 0.3085375387259869],
  [-0.1, 0.460172162722971],
  [-1e-8, 0.4999999960105772],
  [0.1, 0.539827837277029],
  [0.5, 0.6914624612740131],
  [1, 0.8413447460685429],
  [1.96, 0.9750021048517795],
  [3, 0.9986501019683699],
  [5, 0.9999997133484281],
  [8, 0.9999999999999993],
];

// [x, mpmath.ncdf(x)]: the far tail, where scipy.special.ndtr itself is
// ~1e-13 off.
const NORMAL_TAIL_MPMATH: [number, number][] = [
  [-37.5, 4.6053530095819548e-308],
  [-37, 5.725571222524577e-300],
  [-30, 4.906713927148187e-198],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-8, 6.220960574271784e-16],
];

Deno.test("normalCdf matches scipy.special.ndtr over the whole range", () => {
  for (const [x, p] of NORMAL) assertClose(normalCdf(x), p, REL_SCIPY, `Φ(${x})`);
});

Deno.test("normalCdf keeps full relative accuracy in the far lower tail (mpmath)", () => {
  for (const [x, p] of NORMAL_TAIL_MPMATH) assertClose(normalCdf(x), p, 2e-15, `Φ(${x})`);
});

Deno.test("normalCdf edge cases: 0, symmetry, infinities, NaN, underflow", () => {
  strictEqual(normalCdf(0), 0.5);
  for (const x of [0.3, 0.7, 1.5, 4, 7.5]) {
    ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) <= 2 * Number.EPSILON, `symmetry at ${x}`);
  }
  strictEqual(normalCdf(-Infinity), 0);
  strictEqual(normalCdf(Infinity), 1);
  ok(Number.isNaN(normalCdf(NaN)));
  strictEqual(normalCdf(-39), 0); // true value 1.5e−333, below the smallest subnormal
  strictEqual(normalCdf(9), 1);
});

// [t, df, scipy.special.stdtr(df, t)]
const STUDENT_T: [number, number, number][] = [
  [-1000, 2.5, 2.274746394830745e-08],
  [-100, 2.5, 7.191649211666189e-06],
  [-37, 2.5, 8.623018722644701e-05],
  [-10, 2.5, 0.0022207478836537117],
  [-3, 2.5, 0.036288047774515914],
  [-1, 2.5, 0.20203051363913682],
  [-0.5, 2.5, 0.3288489599348574],
  [-0.001, 2.5, 0.49963819136039245],
  [0.5, 2.5, 0.6711510400651426],
  [3, 2.5, 0.9637119522254841],
  [1000, 2.5, 0.9999999772525361],
  [-1000, 7.4, 1.4716771903246597e-20],
  [-100, 7.4, 3.6877457558548627e-13],
  [-37, 7.4, 5.693627898455971e-10],
  [-10, 7.4, 7.332335884006377e-06],
  [-3, 7.4, 0.009340457545863028],
  [-1, 7.4, 0.17444094809865707],
  [-0.5, 7.4, 0.31579986678660427],
  [-0.001, 7.4, 0.4996142716145812],
  [0.5, 7.4, 0.6842001332133958],
  [3, 7.4, 0.990659542454137],
  [1000, 7.4, 1.0],
  [-1000, 30, 1.0360017415558664e-69],
  [-100, 30, 9.923058983635155e-40],
  [-37, 30, 6.802903145709941e-27],
  [-10, 30, 2.287625704114809e-11],
  [-3, 30, 0.0026949820328259727],
  [-1, 30, 0.1626543077130151],
  [-0.5, 30, 0.3103615024425636],
  [-0.001, 30, 0.49960436788324253],
  [0.5, 30, 0.6896384975574363],
  [3, 30, 0.9973050179671741],
  [1000, 30, 1.0],
  [-1000, 1e4, 0],
  [-100, 1e4, 0],
  [-37, 1e4, 2.8113156176397984e-281], // mpmath: 2.811315617639758e-281
  [-10, 1e4, 9.81640371433191e-24],
  [-3, 1e4, 0.001353224094998833],
  [-1, 1e4, 0.15866735216521458],
  [-0.5, 1e4, 0.30854303966161684],
  [-0.001, 1e4, 0.4996010677595263],
  [0.5, 1e4, 0.6914569603383831],
  [3, 1e4, 0.9986467759050012],
  [1000, 1e4, 1.0],
  [-1000, 1e7, 0],
  [-100, 1e7, 0],
  [-37, 1e7, 6.000606161318478e-300], // mpmath: 6.00060616131917e-300
  [-10, 1e7, 7.621796145136799e-24],
  [-3, 1e7, 0.0013499013555185817],
  [-1, 1e7, 0.15865526602999303],
  [-0.5, 1e7, 0.3085375442270074],
  [-0.001, 1e7, 0.4996010577960625],
  [0.5, 1e7, 0.6914624557729926],
  [3, 1e7, 0.9986500986444814],
  [1000, 1e7, 1.0],
  [-1000, 0.3, 0.04399953309171957],
  [-100, 0.3, 0.08779038919651069],
  [-37, 0.3, 0.11829856966577995],
  [-10, 0.3, 0.17512080666439084],
  [-3, 0.3, 0.2506688448438097],
  [-1, 0.3, 0.3416113908805166],
  [-0.5, 0.3, 0.40035539631073874],
  [-0.001, 0.3, 0.4997706809127689],
  [0.5, 0.3, 0.5996446036892613],
  [3, 0.3, 0.7493311551561903],
  [1000, 0.3, 0.9560004669082804],
];

Deno.test("studentTCdf matches scipy.special.stdtr, fractional and large df, both tails", () => {
  for (const [t, df, p] of STUDENT_T) {
    assertClose(studentTCdf(t, df), p, REL_SCIPY, `F(${t}; ${df})`);
  }
});

Deno.test("studentTCdf with df = 1 is the Cauchy CDF ½ + atan(t)/π (mpmath)", () => {
  // mpmath: atan(1/|t|)/pi (the lower tail for t < 0). scipy's stdtr is
  // ~5e−14 off here (0.25000000000000006 at t = −1) and gives 0 at −1e200.
  const cauchy: [number, number][] = [
    [-1e200, 3.1830988618379067e-201],
    [-1e10, 3.1830988618379065e-11],
    [-1000, 0.0003183097800805589],
    [-37, 0.008600876105433154],
    [-1, 0.25],
    [-0.001, 0.4996816902199194],
  ];
  for (const [t, p] of cauchy) {
    assertClose(studentTCdf(t, 1), p, 2e-15, `F(${t}; 1)`);
    assertClose(studentTCdf(t, 1), Math.atan(1 / -t) / Math.PI, 2e-15, `closed form at ${t}`);
  }
});

Deno.test("studentTCdf beyond the range of t² keeps the power-law tail (mpmath)", () => {
  // mpmath: 0.5 * betainc(df/2, 1/2, 0, df/(df + t^2), regularized=True); scipy gives 0.
  assertClose(studentTCdf(-1e200, 0.5), 3.207009754142229e-101, 1e-14, "df 0.5");
  strictEqual(studentTCdf(-1e200, 30), 0);
});

Deno.test("studentTCdf edge cases: t = 0, infinities, NaN, df = ∞ and huge df", () => {
  for (const df of [0.3, 1, 7.4, 1e7]) {
    strictEqual(studentTCdf(0, df), 0.5);
    strictEqual(studentTCdf(-Infinity, df), 0);
    strictEqual(studentTCdf(Infinity, df), 1);
    for (const t of [0.2, 1, 3.3, 40]) {
      const sum = studentTCdf(t, df) + studentTCdf(-t, df);
      ok(Math.abs(sum - 1) <= 2 * Number.EPSILON, `symmetry t=${t} df=${df}`);
    }
  }
  for (const bad of [NaN, 0, -1, -Infinity]) ok(Number.isNaN(studentTCdf(1, bad)), `df ${bad}`);
  ok(Number.isNaN(studentTCdf(NaN, 5)));
  for (const x of [-37, -5, -1, 0.4, 3]) {
    strictEqual(studentTCdf(x, Infinity), normalCdf(x));
    strictEqual(studentTCdf(x, 1e300), normalCdf(x));
  }
  // df = 1e20: scipy.special.stdtr(1e20, -5) = 2.866515718791946e-07 (ndtr: 2.866515718791933e-07)
  assertClose(studentTCdf(-5, 1e20), 2.866515718791946e-07, REL_SCIPY, "df 1e20");
  assertClose(studentTCdf(-5, 1e20), normalCdf(-5), 1e-14, "df 1e20 vs normal");
  // x = ν/(ν + t²) rounds to 1 here; the complement t²/(ν + t²) must be used.
  assertClose(studentTCdf(-1e-3, 1e17), normalCdf(-1e-3), 1e-15, "df 1e17, tiny t");
});

// [x, a, b, scipy.special.betainc(a, b, x)]
const BETAINC: [number, number, number, number][] = [
  [0.3, 0.5, 0.5, 0.36901011956554536],
  [0.2, 2.5, 3.5, 0.1328173097780492],
  [0.9, 2.5, 3.5, 0.9978262271572729],
  [0.01, 10, 20, 1.6841317932875388e-13],
  [0.9, 10, 20, 0.9999999999999593],
  [0.45, 1e3, 1e3, 3.6831988690075765e-06],
  [0.3, 1e3, 1e3, 4.23092503690727e-78], // mpmath: 4.2309250369077444e-78
  [0.9, 15, 0.5, 0.07785867031466781],
  [0.1, 15, 0.5, 1.5175525817575597e-16],
  [0.5, 0.01, 2, 0.9980579579142212],
  [0.99999, 5e6, 0.5, 1.5235897676034793e-23],
  [0.9999, 5e6, 0.5, 1.7514907269257152e-219], // mpmath: 1.7514907269257724e-219
  [1e-06, 0.5, 5e6, 0.9984346015671604],
  [0.005, 200, 1e4, 1.298189843343946e-56],
  [0.975, 1e4, 200, 0.00013360607900881854],
  [0.025, 200, 1e4, 0.9998663939209912],
  [0.001, 3.7, 0.5, 2.2535481157554266e-12],
  [0.999999, 0.1, 0.1, 0.8725877468654687],
];

Deno.test("regularizedIncompleteBeta matches scipy.special.betainc, tails and large parameters", () => {
  for (const [x, a, b, p] of BETAINC) {
    assertClose(regularizedIncompleteBeta(x, a, b), p, REL_SCIPY, `I_${x}(${a}, ${b})`);
  }
});

Deno.test("regularizedIncompleteBeta edge cases and closed forms", () => {
  strictEqual(regularizedIncompleteBeta(0, 2, 3), 0);
  strictEqual(regularizedIncompleteBeta(1, 2, 3), 1);
  for (const x of [0.1, 0.25, 0.8]) {
    assertClose(regularizedIncompleteBeta(x, 1, 1), x, 1e-15, `uniform at ${x}`);
    assertClose(regularizedIncompleteBeta(x, 2, 1), x * x, 1e-15, `x² at ${x}`);
    const sum = regularizedIncompleteBeta(x, 2.5, 7) + regularizedIncompleteBeta(1 - x, 7, 2.5);
    ok(Math.abs(sum - 1) <= 4 * Number.EPSILON, `reflection at ${x}`);
  }
  for (const [x, a, b] of [[-0.1, 1, 1], [1.1, 1, 1], [0.5, 0, 1], [0.5, 1, -1], [NaN, 1, 1]]) {
    ok(Number.isNaN(regularizedIncompleteBeta(x, a, b)), `(${x}, ${a}, ${b})`);
  }
  ok(Number.isNaN(regularizedIncompleteBeta(0.5, Infinity, 1)));
});

// [z, h, mpmath: exp(loggamma(z + h) - loggamma(z))]
const GAMMA_RATIO: [number, number, number][] = [
  [0.5, 0.5, 0.5641895835477563],
  [1, 0.5, 0.886226925452758],
  [3.5, 0.5, 1.8054066673528202],
  [10, 0.5, 3.1230114333906127],
  [1e3, 0.5, 31.618824001815913],
  [1e6, 0.5, 999.9998750000078],
  [1e12, 0.5, 999999.999999875],
  [2.5, 3.7, 127.43620894101241],
  [100, 7.9, 8232850979139464.0],
  [1e-5, 0.5, 1.7724292799395916e-05],
];

Deno.test("gammaRatio matches mpmath, also for very large z", () => {
  for (const [z, h, r] of GAMMA_RATIO) {
    assertClose(gammaRatio(z, h), r, 1e-14, `Γ(${z}+${h})/Γ(${z})`);
  }
  assertClose(gammaRatio(3, 2), 12, 1e-15, "Γ(5)/Γ(3)");
  strictEqual(gammaRatio(7, 0), 1);
  for (const [z, h] of [[0, 1], [-1, 1], [1, -0.5], [NaN, 1], [Infinity, 1]]) {
    ok(Number.isNaN(gammaRatio(z, h)), `(${z}, ${h})`);
  }
});
