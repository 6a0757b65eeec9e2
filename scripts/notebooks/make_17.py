"""Generates notebooks/17-saddles-noise-warmup.ipynb (python3 scripts/notebooks/make_17.py)."""
from nbwrite import LiteralNotebook
from checks import CHECK_HELPER

notebook = LiteralNotebook()
md, code = notebook.md, notebook.code


md("17-00", r"""
# 17 · Saddle points, SGD noise, decaying learning rates and warm-up

**Goes beyond the articles:** article 3 (`seeds/002_cd89ecdcc64c4b45.txt`) FAQ recommends "learning-rate decay strategies … to improve training efficiency and
performance" without saying why, and none of the articles mentions saddle points or warm-up. This notebook measures three facts about the *dynamics* of training
(d2l.ai's SGD and learning-rate-scheduling chapters):

**You will learn**

- why gradient descent stalls at saddle points and how gradient noise (SGD) escapes them;
- why SGD with a constant learning rate stops at a **noise floor** proportional to $\eta$ when the noise persists at the minimum, why the learning rate must
  then decay for it to converge, and why it need not when the model fits every example (interpolation);
- what goes wrong in Adam's first steps at a large learning rate, how a linear **warm-up** prevents it, and how much of that settled moment estimates
  explain (3 seeds, with a control).

Run time: 12–21 s, kernel start included, measured on 2026-12-07 on two CPU cores: 12 s in a CI run (two notebooks at a time, load average ≈ 2), 13 and 16 s here on the machine shared with other jobs (load average 6.6–7.5), and in a later run there, one notebook at a time, 19 s in English and 21 s in Chinese (load average 4.7–5.2); the last code cell prints the time after the import. To scale up, raise `decaySteps` (§2) or
`warmupLimit` and `warmupEpochs` (§3).
""")

code("17-01", r"""
import { optim, surfaces, plot, backend, seed, train, data, models, losses, tf } from "optimlab";
await backend.ready();
seed(0);
const notebookStart = performance.now();
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
""" + CHECK_HELPER + "\n")

md("17-02", r"""
## 1. Saddle points

$f(x, y) = x^2 - y^2 + \tfrac12 y^4$ has a saddle at the origin (curvature $+2$ along $x$, $-2$ along $y$) and two minima at $(0, \pm 1)$ with $f = -\tfrac12$.
Gradient descent multiplies the $y$ distance from the saddle by $(1 + 2\eta)$ per step while $y$ is small, so started at distance $y_0$ it needs about
$\ln(1/y_0)/\ln(1+2\eta)$ steps to leave; started exactly on the $x$ axis ($y_0 = 0$) it converges **to the saddle** and stays there, since the gradient has no $y$ component.
Noise in the gradient (as in SGD) pushes it off the axis.
""")

code("17-03", r"""
const doubleWell: surfaces.Surface = {
  name: "x² − y² + y⁴/2",
  value: (x, y) => x * x - y * y + 0.5 * y ** 4,
  gradient: (x, y) => [2 * x, -2 * y + 2 * y ** 3],
  tensorValue: (p) => tf.tidy(() => { const [x, y] = tf.unstack(p); return tf.addN([tf.square(x), tf.neg(tf.square(y)), tf.mul(0.5, tf.pow(y, 4))]) as tf.Scalar; }),
  minima: [[0, 1], [0, -1]],
  bounds: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
  start: [1, 0],
};
const saddleLr = 0.05;
const saddleSteps = 300;
const escaped = (loss: number[]) => { const i = loss.findIndex((f) => f < -0.4); return i < 0 ? Infinity : i; };
const saddleNoise = 0.01;
const saddleSeeds = [1, 2, 3];
const saddleStart = performance.now();
const saddleProgress = new train.Progress({ name: "saddle runs", epochs: 1, stepsPerEpoch: 7 });
let saddleDone = 0;
const saddleTick = () => saddleProgress.update({ epoch: 1, epochs: 1, step: ++saddleDone, stepsPerEpoch: 7, samplesPerSecond: 0, elapsed: (performance.now() - saddleStart) / 1000 });
const onAxis = await surfaces.trajectory(doubleWell, () => new optim.SGD({ lr: saddleLr }), { start: [1, 0], steps: saddleSteps, name: "GD from (1, 0)" });
saddleTick();
const noisyEscapes = [];
for (const s of saddleSeeds) {
  noisyEscapes.push(await surfaces.trajectory(doubleWell, () => new optim.SGD({ lr: saddleLr }), { start: [1, 0], steps: saddleSteps, gradNoise: saddleNoise, seed: s, name: `noisy GD (σ = ${saddleNoise}), seed ${s}` }));
  saddleTick();
}
const escapeRows = [];
for (const y0 of [1e-2, 1e-4, 1e-6]) {
  const run = await surfaces.trajectory(doubleWell, () => new optim.SGD({ lr: saddleLr }), { start: [1, y0], steps: saddleSteps });
  escapeRows.push({ "start y₀": y0, "measured steps to f < −0.4": escaped(run.loss), "ln(1/y₀)/ln(1+2η)": Math.log(1 / y0) / Math.log(1 + 2 * saddleLr) });
  saddleTick();
}
saddleProgress.finish();
escapeRows.push({ "start y₀": 0, "measured steps to f < −0.4": escaped(onAxis.loss), "ln(1/y₀)/ln(1+2η)": Infinity });
display(plot.trajectories(doubleWell, [onAxis, ...noisyEscapes], { title: `GD (η = ${saddleLr}) from (1, 0): stuck at the saddle without noise, escapes with it` }));
plot.table(escapeRows)
""")

code("17-04", r"""
const noisyEscapeSteps = noisyEscapes.map((r) => escaped(r.loss));
// The same noise from a start 1e-6 off the axis: does the escape time still follow ln(1/y₀)?
const noisyNearAxis = [];
for (const s of saddleSeeds) noisyNearAxis.push(escaped((await surfaces.trajectory(doubleWell, () => new optim.SGD({ lr: saddleLr }), { start: [1, 1e-6], steps: saddleSteps, gradNoise: saddleNoise, seed: s })).loss));
({ "GD without noise: final point": onAxis.path[onAxis.path.length - 1], "final f": onAxis.loss[saddleSteps],
   "noisy GD: steps to f < −0.4 per seed": noisyEscapeSteps, "mean": mean(noisyEscapeSteps), "std": std(noisyEscapeSteps),
   "noisy GD from y₀ = 1e-6: steps per seed": noisyNearAxis })
""")

md("17-05", r"""
The measured escape times grow like $\ln(1/y_0)$ (the table; the formula ignores the first steps, when $x$ is still large), and from $y_0 = 0$ GD never escapes.
Noise of standard deviation `saddleNoise` — far smaller than the gradient at the start — escapes in the printed number of steps on every seed, and with noise the
start no longer matters: from $y_0 = 10^{-6}$ the noisy runs escape in about the same time as from $y_0 = 0$, far sooner than the noiseless formula says. In high dimensions
most critical points of a loss are saddles rather than minima, and exact saddles are reached only from special starts; what costs time in practice is the
*slow* passage near them, which the $\ln(1/y_0)$ law describes.

## 2. SGD noise, the noise floor, and why the learning rate must decay

On the quadratic $0.1x^2 + 2y^2$ with gradient noise $\sigma$ per component, SGD with a constant $\eta$ does not converge. Each coordinate with curvature $\lambda$
settles into a stationary spread with variance $\frac{\eta\sigma^2}{\lambda(2-\eta\lambda)}$, so the loss hovers at

$$\mathbb E f_\infty = \sum_\lambda \frac{\lambda}{2}\cdot\frac{\eta\sigma^2}{\lambda(2-\eta\lambda)} = \sum_\lambda \frac{\eta\sigma^2}{2(2-\eta\lambda)} \;\propto\; \eta .$$

Halving $\eta$ halves the floor but slows the approach. A decaying schedule gets both: the Robbins–Monro conditions $\sum_t \eta_t = \infty$ (it can still travel
any distance) and $\sum_t \eta_t^2 < \infty$ (the accumulated noise stays finite) hold for $\eta_t = \frac{\eta_0}{1 + t/t_0}$. We run `decaySteps` steps of
`optim.SGD`, setting its `lr` every step, on 3 noise seeds (stacked as copies in one variable, as in notebook 16: SGD updates each coordinate on its own,
so the copies are independent runs).
""")

code("17-06", r"""
const bowl = surfaces.quadratic();                 // 0.1x² + 2y²: curvatures 0.2 and 4
const curvatures = [0.2, 4];
const sigma = 1;
const decaySteps = 1500;
const floorTheory = (eta: number) => curvatures.reduce((s, l) => s + (eta * sigma * sigma) / (2 * (2 - eta * l)), 0);
/**
 * SGD on the noisy quadratic with lr = schedule(t), one copy per noise seed stacked in one variable [x₀, y₀, x₁, y₁, …] (SGD updates each
 * coordinate on its own, so the copies are independent runs); copy k draws its noise from its own seed. Returns f per step for each seed.
 */
async function noisySgd(schedule: (t: number) => number, noiseSeeds: number[]) {
  const randoms = noiseSeeds.map((s) => backend.rng(s));
  const point = tf.variable(tf.tensor1d(noiseSeeds.flatMap(() => bowl.start)), true, `noisy-sgd/${Math.random()}`);
  const optimizer = new optim.SGD({ lr: schedule(0) });
  const curves: number[][] = noiseSeeds.map(() => []);
  for (let t = 0; t < decaySteps; t++) {
    const p = point.dataSync();
    const gradient = new Float32Array(p.length);
    randoms.forEach((random, k) => {
      curves[k].push(bowl.value(p[2 * k], p[2 * k + 1]));
      const [gx, gy] = bowl.gradient(p[2 * k], p[2 * k + 1]);
      gradient[2 * k] = gx + sigma * random.normal();
      gradient[2 * k + 1] = gy + sigma * random.normal();
    });
    optimizer.lr = schedule(t);
    tf.tidy(() => optimizer.applyGradients({ [point.name]: tf.tensor1d(gradient) }));
  }
  point.dispose(); optimizer.dispose();
  return curves;
}
const schedules: { [name: string]: (t: number) => number } = {
  "constant η = 0.1": () => 0.1,
  "constant η = 0.025": () => 0.025,
  "decaying η = 0.1/(1 + t/100)": (t) => 0.1 / (1 + t / 100),
};
const noiseSeeds = [11, 12, 13];
const decayStart = performance.now();
const decayProgress = new train.Progress({ name: "noisy SGD", epochs: 1, stepsPerEpoch: Object.keys(schedules).length });
let decayDone = 0;
const decayResults: { [name: string]: { curves: number[][]; tail: number[] } } = {};
for (const [name, schedule] of Object.entries(schedules)) {
  const curves = await noisySgd(schedule, noiseSeeds);
  decayResults[name] = { curves, tail: curves.map((loss) => mean(loss.slice(-500))) };
  decayProgress.update({ epoch: 1, epochs: 1, step: ++decayDone, stepsPerEpoch: Object.keys(schedules).length, samplesPerSecond: 0, elapsed: (performance.now() - decayStart) / 1000 });
}
decayProgress.finish();
const decayRows = Object.entries(decayResults).map(([name, r]) => ({ schedule: name, "f over the last 500 steps: mean of 3 seeds": mean(r.tail), "± std": std(r.tail) }));
const floorRows = [0.1, 0.025].map((eta) => ({ η: eta, "measured floor": mean(decayResults[`constant η = ${eta}`].tail), "theory Σ ησ²/(2(2−ηλ))": floorTheory(eta),
  "floor(0.1) / floor(η)": mean(decayResults["constant η = 0.1"].tail) / mean(decayResults[`constant η = ${eta}`].tail) }));
display(plot.table(decayRows));
plot.table(floorRows)
""")

code("17-07", r"""
// Smooth each curve with a 50-step moving average, then average the seeds.
const smooth = (xs: number[], w = 50) => xs.map((_, i) => mean(xs.slice(Math.max(0, i - w + 1), i + 1)));
plot.line(
  Object.fromEntries(Object.entries(decayResults).map(([name, r]) => [name, smooth(r.curves[0].map((_, t) => mean(r.curves.map((c) => c[t]))))])),
  { title: `Noisy quadratic (σ = ${sigma}): f against step (50-step moving average, mean of 3 seeds)`, xLabel: "step", yLabel: "f", logY: true },
)
""")

md("17-08", r"""
The constant rates level off at their floors, close to the formula (printed), and the floor at $\eta/4$ is lower by the printed ratio (the formula says about 4; a floor
estimated from 3 seeds × 500 correlated steps is itself noisy, see the ± std column) but is reached later; the decaying
schedule keeps going down. This is why every serious training recipe ends with a decaying learning rate (step, cosine, or $1/t$ schedules; notebook 09 compares them).

> **The article says** (article 3, FAQ on the learning rate): "使用学习率衰减策略：在训练过程中，逐渐减小学习率，以提高模型的训练效率和性能" — decay the learning rate "to
> improve training efficiency and performance".
>
> **What actually happens:** decay is not mainly about efficiency. With gradient noise that does not vanish at the minimum — the model here, and minibatch
> training whenever the model cannot fit every training example exactly — a constant learning rate cannot converge at all: it stops at a floor proportional to
> $\eta$, and decay is what lets SGD converge. When the model does fit every example, the minibatch noise vanishes at the minimum and a constant learning rate
> converges (next).
""")

md("17-16", r"""
### When the noise vanishes at the minimum: interpolation

The noise above is *added* to the gradient: it is as large at the minimum as anywhere else. Minibatch noise is different: it is the spread of the individual
examples' gradients $\nabla\ell_i(w)$ around their mean. If the model can fit every training example exactly (it *interpolates* them, as over-parameterized
networks often can), then at that minimum every $\nabla\ell_i$ is zero, the noise vanishes with the gradient, and SGD with a constant learning rate converges,
exponentially fast (Ma, Bassily & Belkin, 2018). The smallest example: linear regression $\ell_i(w) = \frac12(x_i\cdot w - y_i)^2$ with random labels, SGD on one
random example per step at the constant $\eta$ = `interpLr`, 3 seeds. With 50 weights, 20 examples can be fitted exactly; with 20 weights, 50 examples cannot.
The minimum $w^*$ is computed exactly (normal equations), to measure the excess loss $L(w) - L(w^*)$ and the noise at the minimum, the mean
$\lVert\nabla\ell_i(w^*)\rVert^2$ over the examples.
""")

code("17-17", r"""
// Linear regression with random labels: the per-example loss is ½(x·w − y)², SGD takes one random example per step at a constant η.
const interpLr = 0.5;
const interpSteps = 2000;
const interpSeeds = [1, 2, 3];
const recordEvery = 20;   // the excess loss is computed every 20 steps
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** Solves A x = b (Gaussian elimination with partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    const p = M.reduce((best, row, r) => (r >= c && Math.abs(row[c]) > Math.abs(M[best][c]) ? r : best), c);
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) { const f = M[r][c] / M[c][c]; for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k]; }
  }
  const x: number[] = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (M[r][n] - M[r].slice(r + 1, n).reduce((s, v, k) => s + v * x[r + 1 + k], 0)) / M[r][r];
  return x;
}
/** n examples x ~ N(0, I/d) with labels y ~ N(0, 1), and the minimizer w* of the mean loss (the min-norm interpolant when n ≤ d). */
function regression(n: number, d: number, dataSeed: number) {
  const random = backend.rng(dataSeed);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => random.normal() / Math.sqrt(d)));
  const y = Array.from({ length: n }, () => random.normal());
  const column = (j: number) => X.map((row) => row[j]);
  const wStar = n <= d
    ? (() => { const a = solve(X.map((xi) => X.map((xj) => dot(xi, xj))), y); return Array.from({ length: d }, (_, j) => dot(column(j), a)); })()
    : solve(Array.from({ length: d }, (_, j) => Array.from({ length: d }, (_, k) => dot(column(j), column(k)))), Array.from({ length: d }, (_, j) => dot(column(j), y)));
  const loss = (w: ArrayLike<number>) => X.reduce((s, xi, i) => s + 0.5 * (dot(xi, w) - y[i]) ** 2, 0) / n;
  // The minibatch-noise at the minimum: the mean squared norm of one example's gradient (x·w* − y) x there.
  const noiseAtMinimum = X.reduce((s, xi, i) => s + (dot(xi, wStar) - y[i]) ** 2 * dot(xi, xi), 0) / n;
  return { n, d, X, y, loss, minLoss: loss(wStar), noiseAtMinimum };
}
const shapes = { "20 examples, 50 weights (can interpolate)": [20, 50], "50 examples, 20 weights (cannot)": [50, 20] } as const;
const interpStart = performance.now();
const interpProgress = new train.Progress({ name: "constant-η SGD on linear regression", epochs: 1, stepsPerEpoch: 2 * interpSteps });
const interpResults: { [name: string]: { noiseAtMinimum: number[]; minLoss: number[]; excess: number[][] } } = {};
let interpDone = 0;
for (const [name, [n, d]] of Object.entries(shapes)) {
  // The 3 seeds run as 3 copies stacked in one variable (SGD updates each weight on its own): copy k uses data seed 40 + k and example order seed 50 + k.
  const problems = interpSeeds.map((s) => regression(n, d, 40 + s));
  const picks = interpSeeds.map((s) => backend.rng(50 + s));
  const w = tf.variable(tf.zeros([interpSeeds.length * d]), true, `interpolation/${n}x${d}`);
  const optimizer = new optim.SGD({ lr: interpLr });
  const excess: number[][] = problems.map(() => []);
  for (let t = 0; t <= interpSteps; t++) {
    const values = w.dataSync();
    const gradient = new Float32Array(values.length);
    problems.forEach((P, k) => {
      const wk = values.subarray(k * d, (k + 1) * d);
      if (t % recordEvery === 0) excess[k].push(P.loss(wk) - P.minLoss);
      const i = picks[k].int(n);
      const residual = dot(P.X[i], wk) - P.y[i];
      for (let j = 0; j < d; j++) gradient[k * d + j] = residual * P.X[i][j];
    });
    if (t < interpSteps) tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d(gradient) }));
    if (t % 100 === 99) interpProgress.update({ epoch: 1, epochs: 1, step: (interpDone += 100), stepsPerEpoch: 2 * interpSteps, samplesPerSecond: 0, elapsed: (performance.now() - interpStart) / 1000 });
  }
  w.dispose(); optimizer.dispose();
  interpResults[name] = { noiseAtMinimum: problems.map((P) => P.noiseAtMinimum), minLoss: problems.map((P) => P.minLoss), excess };
}
interpProgress.finish();
const relativeExcess = (name: string, t: number) => interpResults[name].excess.map((e) => e[t / recordEvery] / e[0]);
display(plot.line(Object.fromEntries(Object.entries(interpResults).flatMap(([name, r]) => r.excess.map((e, k) => [`${name}, seed ${interpSeeds[k]}`, { x: e.map((_, i) => i * recordEvery), y: e.map((v) => Math.max(v / e[0], 1e-16)) }]))),
  { title: `Constant η = ${interpLr}, one example per step: excess training loss / its start`, xLabel: "step", yLabel: "(L(w) − min L) / (L(w₀) − min L) (floored at 1e-16)", logY: true }));
plot.table(Object.keys(shapes).map((name) => ({ data: name, "noise at the minimum: mean ‖∇ℓᵢ(w*)‖² (per seed)": interpResults[name].noiseAtMinimum.map((v) => v.toExponential(1)).join(", "),
  "minimum loss min L (per seed)": interpResults[name].minLoss.map((v) => v.toExponential(1)).join(", "),
  [`excess loss / start after ${interpSteps / 2} steps`]: relativeExcess(name, interpSteps / 2).map((v) => v.toExponential(1)).join(", "),
  [`after ${interpSteps} steps (per seed)`]: relativeExcess(name, interpSteps).map((v) => v.toExponential(1)).join(", ") })))
""")

md("17-18", r"""
With 50 weights the noise at the minimum is zero up to rounding (printed) and the excess loss falls geometrically, below $10^{-6}$ of its start on every seed
(asserted in §4); with 20 weights the noise at the minimum (0.58–0.62) is of the order of the minimum loss itself (0.28–0.38; both printed) and the excess loss wanders at a floor, as on the noisy quadratic.
The floor comes from noise that persists at the minimum, not from minibatches as such: where the training loss can reach zero, a constant learning rate
converges; where it cannot (label noise, augmented data, a model too small for its data), the learning rate has to decay.

## 3. Warm-up for Adam

Adam's first update is $\eta\,\hat m_1/(\sqrt{\hat v_1}+\epsilon) = \eta\,g_1/(|g_1|+\epsilon)$: **every** weight with a non-zero gradient moves by exactly $\eta$, however
small or noisy its gradient. Two things are fresh at the start: the moment estimates — $\hat v_t$ rests on a handful of samples, so the per-weight scale is
unreliable — and the network, still at its initialization. With a large $\eta$ these coordinated full-size steps can throw a fresh network far off. Warm-up ramps
$\eta$ up from a small value over the first steps (`optim.lrScheduler.LinearLR` stepped per minibatch): it gives the moment estimates time to settle *and*
keeps the first steps on the fresh network small. A control below separates the two.

First, the claim about the first step, on a `784 → 256 → 256 → 10` MLP and one MNIST minibatch of 64:
""")

code("17-09", r"""
const warmupLimit = 1536;
const warmupSet = await data.mnist({ split: "train", limit: warmupLimit });
const oneBatch = { x: warmupSet.x.slice([0, 0], [64, 784]), y: warmupSet.y.slice([0], [64]) };
const firstStepLr = 0.03;
/** Weights after one step of `optimizer` from the same initialization, minus the initial weights. */
async function firstStep(optimizer: tf.Optimizer) {
  const net = models.mlp({ sizes: [784, 256, 256, 10], seed: 5 });
  const before = net.getWeights().map((w) => w.dataSync().slice());
  await train.fit(net, { optimizer, loss: losses.crossEntropy, train: oneBatch, epochs: 1, batchSize: 64, shuffle: false, progress: false, seed: 1 });
  const after = net.getWeights().map((w) => w.dataSync());
  const deltas = before.flatMap((b, k) => Array.from(b, (v, i) => after[k][i] - v));
  net.dispose();
  return deltas;
}
const sgdDeltas = await firstStep(new optim.SGD({ lr: firstStepLr }));
const adamDeltas = await firstStep(new optim.Adam({ lr: firstStepLr }));
// Among the weights whose gradient is clearly non-zero (|g| = |SGD step| / η > 1e-6): which fraction moved by η within 1%?
const active = sgdDeltas.map((d, i) => i).filter((i) => Math.abs(sgdDeltas[i]) / firstStepLr > 1e-6);
const fractionMovedByEta = (deltas: number[]) => active.filter((i) => Math.abs(Math.abs(deltas[i]) - firstStepLr) <= 0.01 * firstStepLr).length / active.length;
const firstStepRows = [
  { optimizer: `Adam η=${firstStepLr}`, "weights with g ≠ 0": active.length, "fraction moved by η ± 1%": fractionMovedByEta(adamDeltas), "largest |Δw|": adamDeltas.reduce((m, d) => Math.max(m, Math.abs(d)), 0), "median |Δw| (g ≠ 0)": active.map((i) => Math.abs(adamDeltas[i])).sort((a, b) => a - b)[Math.floor(active.length / 2)] },
  { optimizer: `SGD η=${firstStepLr}`, "weights with g ≠ 0": active.length, "fraction moved by η ± 1%": fractionMovedByEta(sgdDeltas), "largest |Δw|": sgdDeltas.reduce((m, d) => Math.max(m, Math.abs(d)), 0), "median |Δw| (g ≠ 0)": active.map((i) => Math.abs(sgdDeltas[i])).sort((a, b) => a - b)[Math.floor(active.length / 2)] },
];
plot.table(firstStepRows, { digits: 4 })
""")

md("17-10", r"""
Now the consequence: Adam at $\eta$ = `warmupLr` on `warmupLimit` MNIST images for `warmupEpochs` epochs, without and with a linear warm-up from $0.01\eta$ to $\eta$ over
the first `warmupSteps` minibatches, from the same initial weights and data order, on 3 seeds. A third run is the control that isolates the moment estimates: for its
first `warmupSteps` minibatches the learning rate is $\eta\cdot10^{-9}$, so Adam builds $m$ and $v$ from real gradients while the weights stay put (they move by
less than $10^{-8}$: the largest change of any weight is printed below, per seed), and then it jumps to $\eta$. If settled moments were what warm-up provides, this run would not spike. Each run's spike is measured in the
25 steps from where its weights start to move (step 0; step `warmupSteps` for the control), relative to the loss there.
""")

code("17-11", r"""
const warmupLr = 0.03;
const warmupEpochs = 2;
const warmupSteps = 20;
const warmupSeeds = [1, 2, 3];
const settledName = `moments settled: ${warmupSteps} steps at η·1e-9, then η`;
const warmupRuns: { [name: string]: train.History[] } = { "no warm-up": [], "linear warm-up": [], [settledName]: [] };
/** Where the weights start to move: step 0, except in the settled-moments control (before it they move by less than 1e-8). */
const windowStart = (name: string) => (name === settledName ? warmupSteps : 0);
/** The settled-moments control, per seed: the largest change of any weight over its first warmupSteps steps (at η·1e-9). */
const settledMoves: number[] = [];
for (const s of warmupSeeds) {
  for (const name of Object.keys(warmupRuns)) {
    const net = models.mlp({ sizes: [784, 256, 256, 10], seed: 20 + s });
    const startWeights = name === settledName ? net.getWeights().map((w) => w.clone()) : [];
    let stepsDone = 0;
    const measureMove = () => {
      if (++stepsDone !== warmupSteps) return;
      settledMoves.push(Math.max(...net.getWeights().map((w, i) => tf.tidy(() => w.sub(startWeights[i]).abs().max().dataSync()[0]))));
      startWeights.forEach((w) => w.dispose());
    };
    const optimizer = new optim.Adam({ lr: warmupLr });
    const scheduler = name === "linear warm-up" ? new optim.lrScheduler.LinearLR(optimizer, { startFactor: 0.01, endFactor: 1, totalIters: warmupSteps })
      : name === settledName ? new optim.lrScheduler.LambdaLR(optimizer, { lrLambda: (step) => (step < warmupSteps ? 1e-9 : 1) }) : undefined;
    warmupRuns[name].push(await train.fit(net, { optimizer, scheduler, schedulerInterval: "step", loss: losses.crossEntropy, train: warmupSet,
      epochs: warmupEpochs, batchSize: 64, seed: 30 + s, name: `${name}, seed ${s}`, callbacks: name === settledName ? { onStepEnd: measureMove } : undefined }));
    net.dispose();
  }
}
/** The largest minibatch loss in the 25 steps from `from`, over the loss at `from`. */
const peakFrom = (h: train.History, from: number) => Math.max(...h.steps.slice(from, from + 25).map((r) => r.loss)) / h.steps[from].loss;
const peaks = (name: string) => warmupRuns[name].map((h) => peakFrom(h, windowStart(name)));
const warmupRows = Object.entries(warmupRuns).map(([name, runs]) => ({ run: name, "window start (step)": windowStart(name),
  "peak loss in the 25 steps from the window start / loss there (per seed)": peaks(name).map((p) => p.toFixed(2)).join(", "),
  "final epoch loss: mean": mean(runs.map((h) => h.final("loss"))), "± std": std(runs.map((h) => h.final("loss"))) }));
console.log(`settled-moments control: largest change of any weight over its first ${warmupSteps} steps ${settledMoves.map((v) => v.toExponential(1)).join(", ")} (per seed)`);
display(plot.lossCurves(Object.values(warmupRuns).map((runs) => runs[0]), { x: "step", log: true, title: `Adam η = ${warmupLr} on MNIST, seed 1: without and with warm-up, and with settled moments`, yLabel: "cross-entropy (nats)" }));
plot.table(warmupRows)
""")

md("17-12", r"""
Without warm-up the loss jumps to the printed multiple of its starting value within the first steps, on every seed; with the warm-up it stays within 1.5× of it.
The control spikes too, above 1.5× on every seed (both asserted in §4; the per-seed peaks are printed), though less than without warm-up: part of the spike
does come from the badly estimated first moments, but settled moments alone do not prevent it. The rest comes from full-size steps on the fresh network,
and that is what the ramp adds: its first steps are small. (Whether the run *ends* better depends on how long it lasts after the spike — see the final-loss
columns; the control's final loss is not comparable, its weights only moved from step `warmupSteps` on. On long, large-batch or transformer training the spike
can be unrecoverable, which is why warm-up is standard there.) RAdam (notebook 16) changes the first steps automatically: for its first few steps it takes
un-normalized momentum steps, whose size follows the gradient (exercise 3).

## 4. Assertions (each with its negative control)
""")

code("17-13", r"""
check(`reaches f < −0.4 from (1, 0) within ${saddleSteps} steps on every seed`, (steps: number[]) => steps.every((s) => s <= saddleSteps), (s) => `steps ${s.join(", ")}`,
  [`GD with gradient noise σ = ${saddleNoise}`, noisyEscapeSteps], ["GD without noise", [escaped(onAxis.loss)]]);
const lawOfEscape = Math.log(1 / 1e-6) / Math.log(1 + 2 * saddleLr);
check("the escape time from y₀ = 1e-6 is ln(1/y₀)/ln(1+2η) within 10% (every run)", (steps: number[]) => steps.every((s) => Math.abs(s / lawOfEscape - 1) < 0.1),
  (steps) => `steps ${steps.join(", ")} vs ${lawOfEscape.toFixed(1)}`,
  ["GD without noise", [escapeRows[2]["measured steps to f < −0.4"]]], [`GD with noise σ = ${saddleNoise}, 3 seeds`, noisyNearAxis]);
check("the measured noise floor matches Σ ησ²/(2(2−ηλ)) at η = 0.1 within 25%", (measuredFloor: number) => Math.abs(measuredFloor / floorTheory(0.1) - 1) < 0.25, (f) => `floor ${f.toFixed(4)} vs ${floorTheory(0.1).toFixed(4)}`,
  ["SGD at η = 0.1", floorRows[0]["measured floor"]], ["SGD at η = 0.025 (a floor 4× lower)", floorRows[1]["measured floor"]]);
const decayTail = mean(decayResults["decaying η = 0.1/(1 + t/100)"].tail);
check("ends (last 500 steps, mean of 3 seeds) below a fifth of the η = 0.1 floor", (f: number) => f < floorTheory(0.1) / 5, (f) => `f ${f.toFixed(4)} vs ${(floorTheory(0.1) / 5).toFixed(4)}`,
  ["decaying η = 0.1/(1 + t/100)", decayTail], ["constant η = 0.1", floorRows[0]["measured floor"]]);
check("≥ 99% of the weights with g ≠ 0 move by η ± 1% on the first step", (fraction: number) => fraction >= 0.99, (f) => `${(100 * f).toFixed(2)}%`,
  ["Adam", firstStepRows[0]["fraction moved by η ± 1%"]], ["SGD", firstStepRows[1]["fraction moved by η ± 1%"]]);
check("in the 25 steps from where the weights start to move, the loss never exceeds 1.5× its value there, on every seed", (p: number[]) => p.every((x) => x <= 1.5),
  (p) => `peaks ${p.map((x) => x.toFixed(2)).join(", ")}`, ["Adam with linear warm-up", peaks("linear warm-up")], ["Adam without warm-up", peaks("no warm-up")]);
check("in the 25 steps from where the weights start to move, the loss spikes above 1.5× its value there, on every seed", (p: number[]) => p.every((x) => x > 1.5),
  (p) => `peaks ${p.map((x) => x.toFixed(2)).join(", ")}`, [`Adam with settled moments (${warmupSteps} steps with frozen weights, then η)`, peaks(settledName)], ["Adam with linear warm-up", peaks("linear warm-up")]);
check(`constant-η SGD: excess training loss below 1e-6 of its start after ${interpSteps} steps, on every seed`, (r: number[]) => r.every((x) => x < 1e-6),
  (r) => r.map((x) => x.toExponential(1)).join(", "), ["20 examples, 50 weights (interpolation: the noise vanishes at the minimum)", relativeExcess(Object.keys(shapes)[0], interpSteps)],
  ["50 examples, 20 weights (no interpolation)", relativeExcess(Object.keys(shapes)[1], interpSteps)]);
plot.table(checks)
""")

code("17-14", r"""
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
""")

md("17-15", r"""
## Summary

- Near a saddle, GD's distance along the escape direction grows by $(1+\eta|\lambda_-|)$ per step: the passage takes $\propto\ln(1/y_0)$ steps, forever from exactly on the
  stable axis. Gradient noise escapes.
- Under gradient noise that does not vanish at the minimum a constant learning rate stops at a floor $\propto\eta$; only a decaying learning rate
  ($\sum\eta_t = \infty$, $\sum\eta_t^2 < \infty$) converges. When the model interpolates its training data, minibatch noise vanishes at the minimum and
  constant-$\eta$ SGD converges.
- Adam's first step moves every weight by $\eta$; at a large $\eta$ this throws a fresh network off. A short linear warm-up prevents the spike; letting the
  moment estimates settle with frozen weights only reduces it — the small first steps on the fresh network are what counts.

**Exercises**

1. Replace the decaying schedule by `0.1/(1 + t/10)` and by `0.1/Math.sqrt(1 + t/100)`. Which one is lowest at the end, and why (think of $\sum\eta_t$)?
2. Run §3 with `warmupLr = 0.01`. Does warm-up still matter?
3. Use `optim.RAdam({ lr: warmupLr })` without warm-up in §3. Does its loss spike?
""")


notebook.write("notebooks/17-saddles-noise-warmup.ipynb")
