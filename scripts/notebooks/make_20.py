"""Generates notebooks/20-batch-size-and-learning-rate.ipynb (python3 scripts/notebooks/make_20.py)."""
from nbwrite import LiteralNotebook
from checks import CHECK_HELPER

notebook = LiteralNotebook()
md, code = notebook.md, notebook.code


md("20-00", r"""
# 20 · Batch size and learning rate: the linear scaling rule and where it breaks

**Goes beyond the articles:** article 5 (`seeds/004_75a28a0732f83ea3.txt`) §2.1 lists the hyperparameters to search — 「例如，学习率、批量大小、隐藏层的节点数量等」 (the
learning rate, the batch size, the number of hidden units…) — as if each could be tuned on its own, and article 3's §4 example trains with `batch_size=4` without a
word on how that choice fixes the learning rate. The two are coupled. This notebook measures how, on MNIST, with `optim.SGD` and `train.fit`.

**You will learn**

- why multiplying the batch size by $k$ calls for multiplying the learning rate by $k$ (the **linear scaling rule**, Goyal et al. 2017), and under which assumption;
- how to measure it: the steps to reach a validation target at each batch size, each at its own tuned learning rate (Shallue et al. 2018), on 3 seeds;
- where the rule breaks: beyond a **critical batch size** the best learning rate stops growing and a bigger batch no longer saves steps (McCandlish et al. 2018);
- what warm-up can and cannot do for the rule's learning rate at a large batch.

Run time: 17–24 s, kernel start included, measured on 2026-12-07 on two CPU cores: 19 s in a CI run (two notebooks at a time, load average ≈ 2), 17 and 21 s here on the machine shared with other jobs (load average 5.7–8.4), 18 s run alone again later (twice, load average 3.1–3.8) and 24 s in a review run (load average 4.2); the last code cell prints the time after the import. To scale up, raise `trainSize`, `valSize` and the largest `batchSizes`, or lower `targetLoss`.
""")

code("20-01", r"""
import { optim, plot, backend, seed, train, data, models, losses, tf } from "optimlab";
await backend.ready();
seed(0);
const notebookStart = performance.now();
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
const geomean = (xs: number[]) => Math.exp(mean(xs.map(Math.log)));
""" + CHECK_HELPER + "\n")

md("20-02", r"""
## 1. Why the learning rate should grow with the batch

A minibatch of $B$ examples gives the gradient $g_B = g + \xi$: the full gradient $g$ plus noise $\xi$ with covariance $\Sigma/B$ ($\Sigma$: the covariance of one
example's gradient). Compare $k$ SGD steps of size $\eta$ on $k$ batches of $B$ with **one** step of size $k\eta$ on one batch of $kB$:

| | mean move | noise of the move (covariance) |
|---|---|---|
| $k$ steps, $\eta$, batch $B$ | $-k\eta\,g$ | $k\cdot\eta^2\,\Sigma/B$ |
| 1 step, $k\eta$, batch $kB$ | $-k\eta\,g$ | $(k\eta)^2\,\Sigma/(kB) = k\eta^2\,\Sigma/B$ |

The same mean and the same noise, with $k$ times fewer steps — **if** the gradient barely changes during the $k$ small steps. That is the linear scaling rule
(Goyal et al. 2017, who trained ResNet-50 on ImageNet with batches up to 8192 this way, with a warm-up). The assumption fails when $k\eta$ is no longer small: a
step larger than $2/\lambda_{\max}$ ($\lambda_{\max}$: the largest curvature) diverges whatever the batch (notebook 13). So the rule holds while the learning
rate is limited by the **noise** and stops where it is limited by the **curvature**. McCandlish et al. (2018) put it as one law for the steps $S$ to reach a
given loss at batch size $B$:

$$S(B) \approx S_{\min}\left(1 + \frac{B_{\text{noise}}}{B}\right),$$

perfect scaling ($S \propto 1/B$) for $B \ll B_{\text{noise}}$, no gain for $B \gg B_{\text{noise}}$; the **critical batch size** $B_{\text{noise}}$ is where
the two regimes meet. The same analysis gives the best learning rate as $\eta_{\text{opt}}(B) \approx \eta_{\max}/(1 + B_{\text{noise}}/B)$: proportional to
$B$ for small batches (the linear rule), flat at $\eta_{\max}$ for large ones.
""")

md("20-03", r"""
## 2. The measurement: steps to a target, each batch size at its own best learning rate

A `784 → hidden → 10` MLP, plain `optim.SGD`, `trainSize` MNIST training images, evaluated on `valSize` test images. A run counts the optimizer steps until the
validation cross-entropy first falls below `targetLoss` (evaluated from step 10 at steps spaced by 15%, the crossing interpolated between two evaluations). For each batch
size and each of 3 seeds (initial weights and data order) a small search over a grid of learning rates (factor 2 apart) finds the fastest one: it starts at the
best learning rate of the previous batch size, walks up while that is faster, then down (the cell stops with a message if the best lies at the edge of the grid). A run stops once it has taken
1.5× the steps of the best run so far at that batch size — it can no longer win — and then counts as not reaching the target.

`train.fit` stops at an epoch's end, so `StepChunks` hands it the batches in "epochs" of `chunkSteps` steps (reshuffling the data after each real pass).
""")

code("20-04", r"""
const trainSize = 8192;
const valSize = 500;
const hidden = 32;
const targetLoss = 0.5;
const batchSizes = [8, 16, 32, 64, 128, 256];
const lrGrid = [0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];
const firstLr = 0.1;        // where the search starts at the smallest batch
const maxSteps = 1200;      // a run that has not reached the target by then counts as not reaching it
const chunkSteps = 8;
const scaleSeeds = [1, 2, 3];
const mnistTrain = await data.mnist({ split: "train", limit: trainSize });
const mnistVal = await data.mnist({ split: "test", limit: valSize });

/** Batches of `batchSize`, pass after pass over the shuffled data, cut into fit "epochs" of `steps` steps. */
class StepChunks extends data.DataLoader {
  constructor(dataset: data.Dataset, batchSize: number, dataSeed: number, readonly steps: number) { super(dataset, { batchSize, shuffle: true, seed: dataSeed }); }
  override get length() { return this.steps; }
  override *batches(chunk: number): Generator<data.Batch> {
    const perPass = Math.floor(this.size / this.batchSize);
    for (let k = 0; k < this.steps; k++) {
      const step = chunk * this.steps + k;
      const rows = this.order(Math.floor(step / perPass)).subarray((step % perPass) * this.batchSize, (step % perPass + 1) * this.batchSize);
      const [x, y] = tf.tidy(() => { const i = tf.tensor1d(rows, "int32"); return [tf.gather(this.dataset.x, i), tf.gather(this.dataset.y, i)]; });
      yield { x, y, size: rows.length, index: k, dispose: () => tf.dispose([x, y]) };
    }
  }
}

/** Steps 15% apart from step 10 (no run reaches the target sooner), up to `last`. */
function spacedSteps(last: number): number[] {
  const steps: number[] = [];
  for (let s = 10; s <= last; s = Math.round(s * 1.15)) steps.push(s);
  return steps;
}
const evalSteps = new Set(spacedSteps(maxSteps));
const valLoss = (net: tf.LayersModel) => tf.tidy(() => losses.crossEntropy(net.predict(mnistVal.x) as tf.Tensor, mnistVal.y).dataSync()[0]);
type Run = { steps: number; history: train.History | undefined; diverged: boolean };
/** SGD at `lr` with batches of `batchSize` until the validation loss is below `targetLoss` (interpolated step), at most `cap` steps. */
async function stepsToTarget(batchSize: number, lr: number, s: number, cap: number, warmupSteps = 0, name = `B = ${batchSize}, lr ${lr}, seed ${s}`): Promise<Run> {
  const net = models.mlp({ sizes: [784, hidden, 10], seed: 100 + s });
  const optimizer = new optim.SGD({ lr });
  const scheduler = warmupSteps > 0 ? new optim.lrScheduler.LinearLR(optimizer, { startFactor: 1 / 32, endFactor: 1, totalIters: warmupSteps }) : undefined;
  let reached = Infinity;
  let before = { step: 0, loss: valLoss(net) };
  const run: Run = { steps: Infinity, history: undefined, diverged: false };
  try {
    run.history = await train.fit(net, { optimizer, scheduler, schedulerInterval: "step", loss: losses.crossEntropy, train: new StepChunks(mnistTrain, batchSize, 200 + s, chunkSteps),
      epochs: Math.ceil(cap / chunkSteps), progress: false, name, norms: "epoch", callbacks: {
        onStepEnd: ({ step }) => {
          if (reached < Infinity || !evalSteps.has(step)) return;
          const now = { step, loss: valLoss(net) };
          // Interpolate the crossing in log(step) between the last evaluation above the target and this one.
          if (now.loss < targetLoss) reached = before.step === 0 ? step : Math.exp(Math.log(before.step) + Math.log(step / before.step) * (before.loss - targetLoss) / (before.loss - now.loss));
          else before = now;
        },
        onEpochEnd: (_record, context) => { if (reached < Infinity) context.stop(); },
      } });
  } catch (error) {
    if (!(error instanceof train.DivergenceError)) throw error;
    run.history = error.history;
    run.diverged = true;
  }
  net.dispose();
  optimizer.dispose();
  run.steps = reached <= cap ? reached : Infinity;
  return run;
}
""")

code("20-05", r"""
type Search = { batchSize: number; seed: number; tried: Map<number, number>; bestLr: number; steps: number };
const searches: Search[] = [];
const searchProgress = new train.Progress({ name: "learning-rate search per batch size", epochs: 1, stepsPerEpoch: batchSizes.length * scaleSeeds.length });
let searched = 0;
const searchStart = performance.now();
for (const s of scaleSeeds) {
  let start = lrGrid.indexOf(firstLr);
  for (const batchSize of batchSizes) {
    const tried = new Map<number, number>();   // grid index → steps to the target
    let best = Infinity;
    const at = async (i: number) => {
      if (i < 0 || i >= lrGrid.length) return Infinity;
      if (!tried.has(i)) {
        const steps = (await stepsToTarget(batchSize, lrGrid[i], s, Number.isFinite(best) ? Math.ceil(1.5 * best) : maxSteps)).steps;
        tried.set(i, steps);
        best = Math.min(best, steps);
      }
      return tried.get(i)!;
    };
    let i = start;
    await at(i);
    while ((await at(i + 1)) < tried.get(i)!) i++;
    if (i === start) while ((await at(i - 1)) < tried.get(i)!) i--;
    if (!Number.isFinite(tried.get(i)!)) throw new Error(`batch ${batchSize}, seed ${s}: no learning rate of the grid reached the target in ${maxSteps} steps; raise maxSteps`);
    if (i === 0 || i === lrGrid.length - 1) throw new Error(`batch ${batchSize}, seed ${s}: the best learning rate ${lrGrid[i]} is at the edge of lrGrid; widen the grid`);
    searches.push({ batchSize, seed: s, tried, bestLr: lrGrid[i], steps: tried.get(i)! });
    start = i;
    searchProgress.update({ epoch: 1, epochs: 1, step: ++searched, stepsPerEpoch: batchSizes.length * scaleSeeds.length, samplesPerSecond: 0, elapsed: (performance.now() - searchStart) / 1000 });
  }
}
searchProgress.finish();
const searchOf = (batchSize: number, s: number) => searches.find((r) => r.batchSize === batchSize && r.seed === s)!;
const bestLrs = (batchSize: number) => scaleSeeds.map((s) => searchOf(batchSize, s).bestLr);
const bestSteps = (batchSize: number) => scaleSeeds.map((s) => searchOf(batchSize, s).steps);
const scaleRows = batchSizes.map((batchSize) => ({ "batch size": batchSize, "best lr per seed": bestLrs(batchSize).join(", "),
  "steps to the target: mean": mean(bestSteps(batchSize)), "± std": std(bestSteps(batchSize)), "examples seen (mean)": batchSize * mean(bestSteps(batchSize)) }));
plot.table(scaleRows, { digits: 3 })
""", {'tags': ['timeout=600']})

code("20-06", r"""
// The whole search of seed 1: steps to the target for every (batch size, learning rate) tried ("—": stopped at 1.5× the best).
plot.table(batchSizes.map((batchSize) => {
  const tried = searchOf(batchSize, 1).tried;
  return { "batch size": batchSize, ...Object.fromEntries(lrGrid.map((lr, i) => [`lr ${lr}`, tried.has(i) ? (Number.isFinite(tried.get(i)!) ? tried.get(i)!.toFixed(0) : "—") : ""])) };
}))
""")

md("20-07", r"""
**Reading the tables.** Each row is one batch size; the first table gives the learning rate the search found on each seed and the steps it needed. Below we fit
the law of §1 to the mean steps (least squares of $S$ against $1/B$: $S = S_{\min} + S_{\min}B_{\text{noise}}\cdot\frac1B$) and draw both figures with the
linear rule's predictions from the smallest batch size.
""")

code("20-08", r"""
// Least squares of S against 1/B: S = a + b/B, so S_min = a and B_noise = b/a.
const invB = batchSizes.map((b) => 1 / b);
const meanSteps = batchSizes.map((b) => mean(bestSteps(b)));
const slope = (mean(invB.map((u, i) => u * meanSteps[i])) - mean(invB) * mean(meanSteps)) / (mean(invB.map((u) => u * u)) - mean(invB) ** 2);
const sMin = mean(meanSteps) - slope * mean(invB);
const bNoise = slope / sMin;
const smallest = batchSizes[0];
const ruleFrom = geomean(bestLrs(smallest));
display(plot.line({
  "measured: tuned lr, mean of 3 seeds": { x: batchSizes, y: meanSteps },
  "perfect scaling S ∝ 1/B (from the smallest batch)": { x: batchSizes, y: batchSizes.map((b) => meanSteps[0] * smallest / b), dashed: true },
  "fit S_min (1 + B_noise / B)": { x: batchSizes, y: batchSizes.map((b) => sMin * (1 + bNoise / b)), dashed: true },
}, { title: `Steps to validation loss ${targetLoss} against batch size`, xLabel: "batch size B", yLabel: "steps", logX: true, logY: true }));
display(plot.line({
  "best lr, seed 1": { x: batchSizes, y: batchSizes.map((b) => searchOf(b, 1).bestLr) },
  "best lr, seed 2": { x: batchSizes, y: batchSizes.map((b) => searchOf(b, 2).bestLr) },
  "best lr, seed 3": { x: batchSizes, y: batchSizes.map((b) => searchOf(b, 3).bestLr) },
  "linear scaling rule η ∝ B (from the smallest batch)": { x: batchSizes, y: batchSizes.map((b) => ruleFrom * b / smallest), dashed: true },
}, { title: "Best learning rate against batch size", xLabel: "batch size B", yLabel: "learning rate", logX: true, logY: true }));
({ "S_min (steps)": sMin, "B_noise (critical batch size)": bNoise,
   "steps saved from B = 8 to 32 (mean of 3 seeds)": mean(bestSteps(8)) / mean(bestSteps(32)),
   "steps saved from B = 64 to 256 (mean of 3 seeds)": mean(bestSteps(64)) / mean(bestSteps(256)) })
""")

code("20-17", r"""
// Where does plain SGD stop working? At the largest batch: √2, 2, 2√2 and 4 times the tuned learning rate (the geometric mean of the 3 seeds' best,
// rounded to 3 significant digits), 3 seeds, at most 80 steps (as §4).
const probeBatch = batchSizes[batchSizes.length - 1];
const probeCap = 80;
const tunedAtProbe = geomean(bestLrs(probeBatch));
const probeLrs = [Math.SQRT2, 2, 2 * Math.SQRT2, 4].map((factor) => Number((factor * tunedAtProbe).toPrecision(3)));
const probeRuns: Run[][] = probeLrs.map(() => []);
const probeProgress = new train.Progress({ name: "stability probe", epochs: 1, stepsPerEpoch: probeLrs.length * scaleSeeds.length });
const probeStart = performance.now();
let probed = 0;
for (const [k, lr] of probeLrs.entries()) {
  for (const s of scaleSeeds) {
    probeRuns[k].push(await stepsToTarget(probeBatch, lr, s, probeCap));
    probeProgress.update({ epoch: 1, epochs: 1, step: ++probed, stepsPerEpoch: probeLrs.length * scaleSeeds.length, samplesPerSecond: 0, elapsed: (performance.now() - probeStart) / 1000 });
  }
}
probeProgress.finish();
const lastTen = (r: Run) => mean(r.history!.steps.slice(-10).map((x) => x.loss)) / r.history!.steps[0].loss;
const reachesAll = (runs: Run[]) => runs.every((r) => Number.isFinite(r.steps));
const stableUpTo = Math.max(...probeLrs.filter((_, k) => reachesAll(probeRuns[k])));
const failsFrom = Math.min(...probeLrs.filter((_, k) => probeRuns[k].every((r) => !Number.isFinite(r.steps))));
display(plot.table(probeLrs.map((lr, k) => ({ [`lr at B = ${probeBatch}`]: lr, "× the tuned lr": lr / tunedAtProbe,
  [`steps to the target within ${probeCap} (per seed; ✗: not reached)`]: probeRuns[k].map((r) => (Number.isFinite(r.steps) ? r.steps.toFixed(0) : "✗")).join(", "),
  "training loss, last 10 steps / initial (per seed)": probeRuns[k].map((r) => (r.diverged ? "diverged" : lastTen(r).toFixed(2))).join(", ") }))));
({ [`tuned lr at B = ${probeBatch} (geometric mean over the seeds)`]: tunedAtProbe, "reaches the target on every seed up to lr": stableUpTo, "reaches it on no seed from lr": failsFrom,
   "limit / tuned lr": `${(stableUpTo / tunedAtProbe).toFixed(1)}–${(failsFrom / tunedAtProbe).toFixed(1)}` })
""")

md("20-09", r"""
**What the figures show.** For the small batches the best learning rate climbs with $B$ along the rule's line, and the steps fall nearly as $1/B$: four
times the batch saves most of the ideal fourfold (printed above; at least 2.2× on every seed, asserted in §5). Then the best learning rate stops growing (tables) and the steps stop
falling: from 64 to 256 the fourfold batch saves only the printed fraction, although each step now costs four times the computation (last column of the
first table: the examples seen). The plateau is not SGD's stability limit itself but lies below it, by a factor between √2 and 2√2 (the probe above, asserted in §5): at
$B = 256$ √2 times the best learning rate still reaches the target on every seed, a few steps later; twice the best misses it on a seed (its loss still falls, too
slowly), 2√2 times reaches it on no seed, and at four times the best the loss barely falls. Larger steps are first slower, then useless — as on a quadratic, where the fastest step along the sharpest direction is
$1/\lambda_{\max}$ and steps grow unstable only beyond $2/\lambda_{\max}$ (notebook 13). The rule's value in §4 is far beyond both. The fitted critical batch size $B_{\text{noise}}$ (printed) lies between the two regimes. It is small on MNIST — McCandlish et al. also found it
small for MNIST and orders of magnitude larger for harder tasks such as ImageNet — and it grows as the target loss gets lower (the gradient's signal shrinks, its noise does not):
exercise 1.

## 3. The rule against a fixed learning rate

The fair comparison above retunes the learning rate at every batch size. What happens if one keeps the smallest batch's learning rate and only grows the
batch? Same search setting, 3 seeds, at $B = 32$ with the learning rate each seed found best at $B = 8$:
""")

code("20-10", r"""
const fixedLrSteps: number[] = [];
for (const s of scaleSeeds) fixedLrSteps.push((await stepsToTarget(32, searchOf(8, s).bestLr, s, maxSteps)).steps);
plot.table(scaleSeeds.map((s, k) => ({ seed: s, "steps at B = 8 (its best lr)": searchOf(8, s).steps, "B = 32, same lr": fixedLrSteps[k], "B = 32, its best lr": searchOf(32, s).steps,
  "lr at B = 8 → best lr at B = 32": `${searchOf(8, s).bestLr} → ${searchOf(32, s).bestLr}` })), { digits: 3 })
""")

md("20-11", r"""
With the learning rate kept fixed, the bigger batch only removes part of the noise, and the steps fall by much less than fourfold (table; below the 2.2× of
§5 on every seed: 1.54, 1.80 and 1.74×, printed as the control of §5's first check). The larger learning rate is what turns the bigger batch into fewer steps.

## 4. Warm-up at the largest batch

Goyal et al. needed a **warm-up** to make the rule work at large batches: start from a small learning rate and raise it linearly to the target over the first
steps, because the first steps of a fresh network are where a large learning rate does damage. Here the rule, extrapolated from the smallest batch, asks for
$\eta = \bar\eta_8 \cdot 256/8$ at $B = 256$ ($\bar\eta_8$: the geometric mean of the best learning rates at $B = 8$). We run it without and with a linear
warm-up over `warmupSteps` steps (from $\eta/32$, `optim.lrScheduler.LinearLR` stepped per batch), for at most `warmupCap` steps, against the tuned learning
rate at $B = 256$, on 3 seeds.
""")

code("20-12", r"""
const largest = batchSizes[batchSizes.length - 1];
const ruleLr = ruleFrom * largest / smallest;
const warmupSteps = 30;
const warmupCap = 80;
const warmupNames = [`rule lr ${ruleLr.toFixed(2)}, no warm-up`, `rule lr ${ruleLr.toFixed(2)}, ${warmupSteps}-step warm-up`, "tuned lr, no warm-up"];
const warmupRuns: Run[][] = warmupNames.map(() => []);
const warmupProgress = new train.Progress({ name: "warm-up runs", epochs: 1, stepsPerEpoch: 3 * scaleSeeds.length });
const warmupStart = performance.now();
for (const s of scaleSeeds) {
  for (const [k, name] of warmupNames.entries())
    warmupRuns[k].push(await stepsToTarget(largest, k < 2 ? ruleLr : searchOf(largest, s).bestLr, s, warmupCap, k === 1 ? warmupSteps : 0, name));
  warmupProgress.update({ epoch: 1, epochs: 1, step: 3 * s, stepsPerEpoch: 3 * scaleSeeds.length, samplesPerSecond: 0, elapsed: (performance.now() - warmupStart) / 1000 });
}
warmupProgress.finish();
const peak = (r: Run) => Math.max(...r.history!.steps.map((x) => x.loss)) / r.history!.steps[0].loss;
const warmupRows = warmupNames.map((name, k) => ({ run: name, [`steps to the target within ${warmupCap} steps (per seed; ✗: not reached)`]: warmupRuns[k].map((r) => (Number.isFinite(r.steps) ? r.steps.toFixed(0) : "✗")).join(", "),
  "peak training loss / initial (per seed)": warmupRuns[k].map((r) => (r.diverged ? "diverged" : peak(r).toFixed(1))).join(", ") }));
display(plot.lossCurves(warmupRuns.map((runs) => runs[0].history!), { x: "step", log: true,
  title: `Batch ${largest}, seed 1: the rule's learning rate with and without warm-up`, yLabel: "training cross-entropy (nats)" }));
display(plot.table(warmupRows));
// The ramp's learning rate is ruleLr·(1/32 + (1 − 1/32)·t/warmupSteps) at step t: when does it pass the limit measured in §2?
const rampStep = (lr: number) => Math.ceil(((lr / ruleLr - 1 / 32) / (1 - 1 / 32)) * warmupSteps);
({ [`ramp step at which the lr passes ${stableUpTo}`]: rampStep(stableUpTo), [`passes ${failsFrom}`]: rampStep(failsFrom), "warm-up steps": warmupSteps })
""")

md("20-13", r"""
Without warm-up the rule's learning rate blows the loss up within the first steps (the printed peak; figure). The warm-up avoids that first blow-up and
keeps the peak several times lower — but it does not save the run: once the ramp passes the limit measured in §2 (between √2 and 2√2 times the tuned
learning rate; the ramp passes the two printed learning rates at the printed steps, within the first third of the warm-up), long before the warm-up is over, the loss turns up (figure) and the network never reaches the target (table). Warm-up protects the *start* of
training; it cannot make a learning rate stable that is too large for the curvature. At the largest batch the rule
itself is broken here, and the tuned learning rate (below the limit, not $k\eta$) is the one to use.

## 5. Assertions (each with its negative control)
""")

code("20-14", r"""
const ratio = (xs: number[], ys: number[]) => xs.map((x, k) => x / ys[k]);
check("4× the batch, retuned lr: the best lr at least doubles (every seed)", (r: number[]) => r.every((x) => x >= 2), (r) => `best-lr ratios ${r.join(", ")}`,
  ["B = 8 → 32 (noise-limited)", ratio(bestLrs(32), bestLrs(8))], ["B = 64 → 256 (beyond the critical batch size)", ratio(bestLrs(256), bestLrs(64))]);
const ratios = (r: number[]) => `${r.map((x) => x.toFixed(2)).join(", ")}×`;
check("4× the batch takes ≥ 2.2× fewer steps (perfect scaling: 4×), every seed", (r: number[]) => r.every((x) => x >= 2.2), ratios,
  ["B = 8 → 32, each at its tuned lr", ratio(bestSteps(8), bestSteps(32))], ["B = 64 → 256, each at its tuned lr", ratio(bestSteps(64), bestSteps(256))]);
check("4× the batch takes ≥ 2.2× fewer steps (perfect scaling: 4×), every seed", (r: number[]) => r.every((x) => x >= 2.2), ratios,
  ["B = 8 → 32, lr retuned (grows with B)", ratio(bestSteps(8), bestSteps(32))], ["B = 8 → 32, lr kept fixed", ratio(bestSteps(8), fixedLrSteps)]);
check(`the training loss never exceeds 6× its initial value (every seed)`, (runs: Run[]) => runs.every((r) => !r.diverged && peak(r) <= 6),
  (runs) => runs.map((r) => (r.diverged ? "diverged" : peak(r).toFixed(1))).join(", "), [`rule lr at B = ${largest} with warm-up`, warmupRuns[1]], [`rule lr at B = ${largest} without warm-up`, warmupRuns[0]]);
check(`reaches the target within ${warmupCap} steps (every seed)`, (runs: Run[]) => runs.every((r) => Number.isFinite(r.steps)),
  (runs) => runs.map((r) => (Number.isFinite(r.steps) ? r.steps.toFixed(0) : "✗")).join(", "), [`tuned lr at B = ${largest}`, warmupRuns[2]], [`rule lr at B = ${largest} with warm-up`, warmupRuns[1]]);
check(`reaches the target within ${probeCap} steps at B = ${probeBatch} (every seed)`, reachesAll, (runs) => runs.map((r) => (Number.isFinite(r.steps) ? r.steps.toFixed(0) : "✗")).join(", "),
  [`lr ${probeLrs[0]}, √2 times the tuned lr`, probeRuns[0]], [`lr ${probeLrs[1]}, twice the tuned lr`, probeRuns[1]]);
plot.table(checks)
""")

code("20-15", r"""
tf.dispose([mnistTrain.x, mnistTrain.y, mnistVal.x, mnistVal.y]);
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
""")

md("20-16", r"""
## Summary

- $k$ steps of $\eta$ on batches of $B$ and one step of $k\eta$ on a batch of $kB$ have the same mean and noise as long as the gradient barely changes: hence
  the linear scaling rule, learning rate $\propto$ batch size.
- Measured on MNIST: at small batches the tuned learning rate grows with the batch and the steps to a target fall almost as $1/B$; beyond a critical batch
  size (fitted above) the best learning rate stops growing, a factor √2–2√2 below where SGD stops working, and bigger batches save few steps, at a
  proportionally higher cost per step.
- Warm-up tames the blow-up of the first steps at a large learning rate, but it cannot rescue a learning rate above the stability limit: beyond the critical
  batch size the rule, not the start, is what fails.

**Exercises**

1. Lower `targetLoss` to 0.35 (and raise `maxSteps`). Does the fitted critical batch size grow, as McCandlish et al. predict for later stages of training?
2. Repeat §2 with `new optim.SGD({ lr, momentum: 0.9 })`. By how much do the best learning rates move, and does the critical batch size change?
3. Find, at $B = 256$, the largest learning rate that reaches the target with a 30-step warm-up, and the largest without. Is there a range where warm-up is
   what makes the difference?
""")


notebook.write("notebooks/20-batch-size-and-learning-rate.ipynb")
