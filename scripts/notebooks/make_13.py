"""Generates notebooks/13-convexity-and-conditioning.ipynb (python3 scripts/notebooks/make_13.py)."""
from nbwrite import md, code, write
from checks import CHECK_HELPER

cells = [
md(r"""
# 13 · Convexity and conditioning: why the condition number sets gradient descent's speed

**Goes beyond the articles:** article 4 (`seeds/003_f4f70346f6c0e944.txt`) FAQ 4 says oscillation comes from "a learning rate that is too large";
article 3 (`seeds/002_cd89ecdcc64c4b45.txt`) FAQ says to pick larger learning rates "for small datasets and simple models". Neither says *how large is too large*,
nor why some problems are slow for every learning rate. This notebook answers both on quadratics, where the theory is exact, and measures it with `optim.SGD`.

**You will learn**

- what convexity buys (every local minimum is global; with *strict* convexity, a single minimum that every start reaches) and how to test it numerically;
- why gradient descent is stable only for $\eta < 2/L$, with $L$ the largest curvature;
- why its best rate per step is $\frac{\kappa-1}{\kappa+1}$, with $\kappa = L/\mu$ the **condition number**, so the number of steps grows linearly with $\kappa$;
- what changes on a non-convex function.

Run time: 8.7–20 s, kernel start included, measured on 2026-12-07 on two CPU cores: 9.5 s in a CI run (two notebooks at a time, load average ≈ 2), 8.7 and 20 s here on the machine shared with other jobs (load average 7.2–8.2); the last code cell prints the time after the import. To scale up, raise `kappas` and `rateSteps` (§3) or the start grid `gridSide` (§4).
"""),
code(r"""
import { optim, surfaces, plot, backend, seed, train, tf } from "optimlab";
await backend.ready();
seed(0);
const notebookStart = performance.now();
""" + CHECK_HELPER),
md(r"""
## 1. The quadratic model

Near a minimum every smooth loss looks like a quadratic $f(\theta) = \tfrac12 (\theta-\theta^*)^\top H (\theta-\theta^*)$. Write the Hessian's
eigenvalues $\mu = \lambda_{\min} \le \dots \le \lambda_{\max} = L$. Gradient descent $\theta_{t+1} = \theta_t - \eta\,H(\theta_t-\theta^*)$ acts on each eigen-direction separately:
the error along eigenvalue $\lambda$ is multiplied by $(1-\eta\lambda)$ every step. So

- it **converges** iff $|1-\eta\lambda| < 1$ for every $\lambda$, i.e. $0 < \eta < 2/L$;
- the slowest direction contracts by $\rho(\eta) = \max(|1-\eta\mu|,\ |1-\eta L|)$ per step. This is smallest when the two are equal,
  at $\eta^* = \frac{2}{\mu+L}$, where $\rho^* = \frac{L-\mu}{L+\mu} = \frac{\kappa-1}{\kappa+1}$.

We use `surfaces.quadratic({ a, b })` $= a x^2 + b y^2$, whose Hessian is $\operatorname{diag}(2a, 2b)$, so $\mu = 2a$ and $L = 2b$.
"""),
md(r"""
## 2. The stable range $\eta < 2/L$

On $0.1x^2 + 2y^2$ ($\mu = 0.2$, $L = 4$) we run `sweepSteps` steps of `optim.SGD` for a grid of learning rates and plot $f_T/f_0$ together with the exact
prediction $\frac{a x_0^2 (1-\eta\mu)^{2T} + b y_0^2 (1-\eta L)^{2T}}{a x_0^2 + b y_0^2}$.
"""),
code(r"""
const mu = 0.2;
const L = 4;
const bowl = surfaces.quadratic({ a: mu / 2, b: L / 2 });
const sweepStart: [number, number] = [3, 1];
const sweepSteps = 100;
const etaGrid = Array.from({ length: 23 }, (_, i) => +(0.05 + 0.025 * i).toFixed(3));
// The exact f_T/f_0 (`curvature` stands for L: §5's negative control puts a neighbouring value there).
const predictedRatio = (eta: number, steps: number, curvature = L) => {
  const [x0, y0] = sweepStart;
  const fx = (mu / 2) * x0 * x0, fy = (curvature / 2) * y0 * y0;
  return (fx * (1 - eta * mu) ** (2 * steps) + fy * (1 - eta * curvature) ** (2 * steps)) / (fx + fy);
};
const sweepStartTime = performance.now();
const sweepProgress = new train.Progress({ name: "η sweep", epochs: 1, stepsPerEpoch: etaGrid.length });
const sweepRows = [];
for (const [i, eta] of etaGrid.entries()) {
  const run = await surfaces.trajectory(bowl, () => new optim.SGD({ lr: eta }), { start: sweepStart, steps: sweepSteps });
  sweepRows.push({ eta, measured: run.loss[run.loss.length - 1] / run.loss[0], predicted: predictedRatio(eta, sweepSteps), diverged: run.diverged });
  sweepProgress.update({ epoch: 1, epochs: 1, step: i + 1, stepsPerEpoch: etaGrid.length, samplesPerSecond: 0, elapsed: (performance.now() - sweepStartTime) / 1000 });
}
sweepProgress.finish();
plot.line(
  { "measured f_T / f_0": { x: etaGrid, y: sweepRows.map((r) => r.measured) }, "theory": { x: etaGrid, y: sweepRows.map((r) => r.predicted), dashed: true } },
  { title: `GD on 0.1x² + 2y², ${sweepSteps} steps: loss ratio against η (2/L = ${2 / L})`, xLabel: "learning rate η", yLabel: "f after / f before", logY: true },
)
"""),
code(r"""
const justBelow = 0.98 * (2 / L);
const justAbove = 1.02 * (2 / L);
/** f_T/f_0 after sweepSteps steps of GD at `eta` (Infinity when the run left the finite numbers). */
async function lossRatio(surface: surfaces.Surface, eta: number) {
  const run = await surfaces.trajectory(surface, () => new optim.SGD({ lr: eta }), { start: sweepStart, steps: sweepSteps });
  return run.diverged ? Infinity : run.loss[sweepSteps] / run.loss[0];
}
const ratioBelow = await lossRatio(bowl, justBelow);
const ratioAbove = await lossRatio(bowl, justAbove);
// The same bowl with the loss multiplied by 10: every curvature, L included, is 10× larger, so the threshold should move to 2/(10L).
const bowlTimes10 = surfaces.quadratic({ a: (10 * mu) / 2, b: (10 * L) / 2 });
const ratioBelowTimes10 = await lossRatio(bowlTimes10, justBelow / 10);
const ratioAboveTimes10 = await lossRatio(bowlTimes10, justAbove / 10);
const ratioOldEtaTimes10 = await lossRatio(bowlTimes10, justBelow);
const showRatio = (r: number) => (Number.isFinite(r) ? r.toExponential(2) : "diverged");
/** The largest |log10 measured − log10 formula| over the η grid, for the formula with L replaced by `curvature`. */
const sweepLogError = (curvature: number) => Math.max(...sweepRows.map((r) => Math.abs(Math.log10(r.measured) - Math.log10(predictedRatio(r.eta, sweepSteps, curvature)))));
const maxSweepError = sweepLogError(L);
const maxSweepErrorNeighbour = sweepLogError(1.02 * L);
console.log(`loss × 10: η = 0.98·2/(10L) = ${+(justBelow / 10).toPrecision(6)}: f_T/f_0 = ${showRatio(ratioBelowTimes10)};  η = 1.02·2/(10L) = ${+(justAbove / 10).toPrecision(6)}: f_T/f_0 = ${showRatio(ratioAboveTimes10)};  η = 0.98·2/L = ${justBelow} (stable for the original loss): f_T/f_0 = ${showRatio(ratioOldEtaTimes10)}`);
`η = 0.98·2/L = ${justBelow}: f_T/f_0 = ${ratioBelow.toExponential(2)};  η = 1.02·2/L = ${justAbove}: f_T/f_0 = ${ratioAbove.toExponential(2)};  largest |log10 measured − log10 theory| over the grid: ${maxSweepError.toExponential(1)}`
"""),
md(r"""
The threshold is sharp and sits exactly at $2/L$: 2% below it the loss falls, 2% above it the loss grows geometrically (the printed ratios), and the float32 runs
follow the formula over the whole grid (the printed log-error; §5 checks it against 0.05, and the same check fails on the formula for a curvature
2% larger, $1.02L$, whose threshold is $0.98\cdot 2/L$). The threshold depends only on the curvature $L$ — not on the dataset's size as article 3's
FAQ suggests. Multiply the loss by 10 and the stable range shrinks 10× (the first printed line): $\eta = 0.98\cdot 2/(10L)$ gives the same loss ratio as
$0.98 \cdot 2/L$ did on the original loss, $1.02\cdot 2/(10L)$ makes the loss grow, and the learning rate that was safe before diverges.

> **The article says** (article 3, FAQ "如何选择合适的学习率"): "对于小数据集和简单模型，可以选择较大的学习率" — choose a larger learning rate for small datasets and simple models.
>
> **What actually happens:** the stable range is $\eta < 2/L$, set by the loss's largest curvature. A small dataset or a simple model can have a large $L$
> (badly scaled features do it), and a large one a small $L$. Measure it (the sweep above, or the range test in notebook 09).

## 3. The rate $\frac{\kappa-1}{\kappa+1}$ and the condition number

For $\kappa \in$ `kappas` we take $\mu = 1$, $L = \kappa$, start at $(1, 1)$ and run GD at the best step $\eta^* = 2/(\mu+L)$ and at the common "safe" choice $\eta = 1/L$ (and, for contrast, momentum tuned for $\kappa$).
The measured rate is $(\lVert\theta_{40}-\theta^*\rVert / \lVert\theta_{20}-\theta^*\rVert)^{1/20}$; we also count the steps until $f_t/f_0 < 10^{-6}$.
"""),
code(r"""
const kappas = [2, 5, 10, 20, 50, 100];
const rateSteps = 800;
const tolerance = 1e-6;
const distance = (p: [number, number]) => Math.hypot(p[0], p[1]);
async function rateRun(kappa: number, eta: number, momentum = 0) {
  const surface = surfaces.quadratic({ a: 0.5, b: kappa / 2 });
  const run = await surfaces.trajectory(surface, () => new optim.SGD({ lr: eta, momentum }), { start: [1, 1], steps: rateSteps });
  const rate = (distance(run.path[40]) / distance(run.path[20])) ** (1 / 20);
  const hit = run.loss.findIndex((f) => f / run.loss[0] < tolerance);
  return { rate, steps: hit < 0 ? Infinity : hit };
}
const rateStart = performance.now();
const rateProgress = new train.Progress({ name: "rates", epochs: 1, stepsPerEpoch: kappas.length });
const rateRows = [];
for (const [i, kappa] of kappas.entries()) {
  const best = await rateRun(kappa, 2 / (1 + kappa));
  const safe = await rateRun(kappa, 1 / kappa);
  const heavyBall = await rateRun(kappa, 4 / (Math.sqrt(kappa) + 1) ** 2, ((Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1)) ** 2);
  rateRows.push({ κ: kappa, "theory (κ−1)/(κ+1)": (kappa - 1) / (kappa + 1), "measured at η*": best.rate, "steps to 1e-6 at η*": best.steps,
    "theory 1−1/κ": 1 - 1 / kappa, "measured at η = 1/L": safe.rate, "steps to 1e-6 at 1/L": safe.steps, "steps, tuned momentum": heavyBall.steps });
  rateProgress.update({ epoch: 1, epochs: 1, step: i + 1, stepsPerEpoch: kappas.length, samplesPerSecond: 0, elapsed: (performance.now() - rateStart) / 1000 });
}
rateProgress.finish();
plot.table(rateRows, { digits: 5 })
"""),
code(r"""
// Steps to tolerance against κ on log-log axes: a slope of 1 means "steps ∝ κ".
const logK = kappas.slice(1).map(Math.log);
const meanK = logK.reduce((s, v) => s + v, 0) / logK.length;
function logLogSlope(ys: number[]) {
  const logY = ys.map(Math.log);
  const meanY = logY.reduce((s, v) => s + v, 0) / logY.length;
  return logK.reduce((s, v, i) => s + (v - meanK) * (logY[i] - meanY), 0) / logK.reduce((s, v) => s + (v - meanK) ** 2, 0);
}
const stepsSlope = logLogSlope(rateRows.slice(1).map((r) => r["steps to 1e-6 at η*"]));
const momentumSlope = logLogSlope(rateRows.slice(1).map((r) => r["steps, tuned momentum"]));
plot.line(
  { "steps at η* = 2/(μ+L)": { x: kappas, y: rateRows.map((r) => r["steps to 1e-6 at η*"]) }, "steps at η = 1/L": { x: kappas, y: rateRows.map((r) => r["steps to 1e-6 at 1/L"]) },
    "steps, momentum tuned for κ": { x: kappas, y: rateRows.map((r) => r["steps, tuned momentum"]) } },
  { title: `Steps until f drops 10⁶×, against the condition number (log-log slope ${stepsSlope.toFixed(2)})`, xLabel: "condition number κ", yLabel: "steps", logX: true, logY: true },
)
"""),
code(r"""
const worstRateError = Math.max(...rateRows.map((r) => Math.abs(r["measured at η*"] - r["theory (κ−1)/(κ+1)"])));
const worstSafeError = Math.max(...rateRows.map((r) => Math.abs(r["measured at η = 1/L"] - r["theory 1−1/κ"])));
`largest |measured − (κ−1)/(κ+1)| at η*: ${worstRateError.toExponential(1)};  largest |measured − (1−1/κ)| at η = 1/L: ${worstSafeError.toExponential(1)};  log-log slope of steps against κ: GD ${stepsSlope.toFixed(3)}, tuned momentum ${momentumSlope.toFixed(3)}`
"""),
md(r"""
The measured rates match $\frac{\kappa-1}{\kappa+1}$ at $\eta^*$ and $1-\frac1\kappa$ at $\eta = 1/L$ to the printed precision, and the steps to a fixed tolerance grow
with the printed log-log slope: **linearly in $\kappa$**. The third curve, momentum with $\eta = 4/(\sqrt L+\sqrt\mu)^2$ and
$\beta = \left(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\right)^2$, has the other printed slope — nearer $\tfrac12$ than 1 (steps $\propto\sqrt\kappa$ for large $\kappa$; over $\kappa$ from 5 to 100 the fitted slope comes out somewhat above $\tfrac12$) — and is the negative control of that claim in §5. Since $\frac{\kappa-1}{\kappa+1} \approx 1-\frac2\kappa$, even the best learning rate needs about
$\frac{\kappa}{2}\ln\frac{1}{\varepsilon}$ steps. No choice of $\eta$ escapes this; only changing the method does: momentum brings $\kappa$ down to $\sqrt\kappa$
(notebook 14), preconditioning changes $\kappa$ itself (notebook 15).

## 4. Convex, strictly convex, non-convex

A function is **convex** when every chord lies on or above the graph: $f(t\,u + (1-t)\,v) \le t f(u) + (1-t) f(v)$. Convex functions have no local minima other
than the global ones: gradient descent (with $\eta < 2/L$) ends at a point of lowest value from *every* start. Convexity does not promise a *single* minimum:
$f(x, y) = x^2$ is convex, and every point of the $y$-axis is a minimizer. A **strictly** convex function (strict inequality for $u \ne v$; for a quadratic, a
positive-definite Hessian) has exactly one minimizer, and then every start ends at the same point. We test the chord inequality on random pairs and run GD
from a grid of starts on Booth (a strictly convex quadratic), on $x^2$ (convex, not strictly) and on Himmelblau (non-convex, four minima).
"""),
code(r"""
const booth = surfaces.booth();
const himmelblau = surfaces.himmelblau();
// f(x, y) = x²: convex, but not strictly — its minimizers are the whole y-axis (so it lists no isolated minimum).
const valley: surfaces.Surface = {
  name: "x²",
  value: (x, y) => x * x,
  gradient: (x, y) => [2 * x, 0],
  tensorValue: (p) => tf.tidy(() => tf.sum(tf.square(tf.slice(p, [0], [1]))) as tf.Scalar),
  minima: [],
  bounds: { x: [-5, 5], y: [-5, 5] },
  start: [3, 3],
};
function chordViolations(surface: surfaces.Surface, pairs: number) {
  const random = backend.rng(21);
  const [x0, x1] = surface.bounds.x, [y0, y1] = surface.bounds.y;
  let violations = 0;
  for (let i = 0; i < pairs; i++) {
    const u = [x0 + (x1 - x0) * random.uniform(), y0 + (y1 - y0) * random.uniform()];
    const v = [x0 + (x1 - x0) * random.uniform(), y0 + (y1 - y0) * random.uniform()];
    const t = random.uniform();
    const mid = surface.value(t * u[0] + (1 - t) * v[0], t * u[1] + (1 - t) * v[1]);
    const chord = t * surface.value(u[0], u[1]) + (1 - t) * surface.value(v[0], v[1]);
    if (mid > chord + 1e-9 * Math.abs(chord)) violations++;
  }
  return violations / pairs;
}
const chordPairs = 5000;
const boothViolations = chordViolations(booth, chordPairs);
const valleyViolations = chordViolations(valley, chordPairs);
const himmelblauViolations = chordViolations(himmelblau, chordPairs);
`fraction of ${chordPairs} random chords below the graph: Booth ${boothViolations}, x² ${valleyViolations}, Himmelblau ${himmelblauViolations}`
"""),
code(r"""
const gridSide = 4;
const gridStarts: [number, number][] = [];
for (let i = 0; i < gridSide; i++) for (let j = 0; j < gridSide; j++) gridStarts.push([-3 + (6 * i) / (gridSide - 1), -3 + (6 * j) / (gridSide - 1)]);
async function endPoints(surface: surfaces.Surface, lr: number, steps: number) {
  const runs = [];
  for (const [k, start] of gridStarts.entries()) runs.push({ ...(await surfaces.trajectory(surface, () => new optim.SGD({ lr }), { start, steps })), name: `start ${k + 1}` });
  const ends = runs.map((r) => r.path[r.path.length - 1]);
  // How far apart the end points are, and the highest final loss.
  const spread = Math.max(...ends.flatMap((a) => ends.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1]))));
  const worstLoss = Math.max(...runs.map((r) => r.loss[r.loss.length - 1]));
  // Which listed minimum each run ended at (nearest one), and how far from it (a surface that lists none gets NaN).
  const reached = ends.map((end) => nearestMinimum(surface, end));
  return { runs, spread, worstLoss, distinct: surface.minima.length > 0 ? new Set(reached.map((r) => r.nearest)).size : NaN, worstDistance: Math.max(...reached.map((r) => r.distance)) };
}
function nearestMinimum(surface: surfaces.Surface, point: [number, number]) {
  const dists = surface.minima.map((m) => Math.hypot(point[0] - m[0], point[1] - m[1]));
  const nearest = dists.indexOf(Math.min(...dists));
  return { nearest, distance: nearest < 0 ? NaN : dists[nearest] };
}
const himmelblauSteps = 300;
const boothEnds = await endPoints(booth, 0.05, 300);
const himmelblauEnds = await endPoints(himmelblau, 0.01, himmelblauSteps);
// §5's negative control: the same Himmelblau runs read after their first `earlySteps` steps, while they are still on their way.
const earlySteps = 20;
const himmelblauEarlyDistance = Math.max(...himmelblauEnds.runs.map((r) => nearestMinimum(himmelblau, r.path[earlySteps]).distance));
console.log(`Himmelblau: largest distance from a run's point to the nearest minimum after ${himmelblauSteps} steps ${himmelblauEnds.worstDistance.toExponential(1)}, after ${earlySteps} steps ${himmelblauEarlyDistance.toExponential(1)}`);
plot.trajectories(himmelblau, himmelblauEnds.runs, { title: `GD (η = 0.01) on Himmelblau from ${gridStarts.length} starts: ${himmelblauEnds.distinct} different minima`, bounds: { x: [-5, 5], y: [-5, 5] } })
"""),
code(r"""
plot.trajectories(booth, boothEnds.runs, { title: `GD (η = 0.05) on Booth from the same ${gridStarts.length} starts: ${boothEnds.distinct} minimum`, bounds: { x: [-5, 5], y: [-5, 5] } })
"""),
code(r"""
// x² from the same starts, at Booth's learning rate: the gradient (2x, 0) has no y component, so each run keeps its start's y.
const valleyEnds = await endPoints(valley, 0.05, 300);
plot.trajectories(valley, valleyEnds.runs, { title: `GD (η = 0.05) on x² from the same ${gridStarts.length} starts: every run ends at f ≤ ${valleyEnds.worstLoss.toExponential(0)}, at points up to ${valleyEnds.spread.toFixed(1)} apart`, bounds: { x: [-5, 5], y: [-5, 5] } })
"""),
md(r"""
On Booth every start ends at the one minimum. On $x^2$ every run reaches $f \approx 0$ (the figure title prints the largest final loss) — convexity at work —
but each stops at its own point of the $y$-axis, up to the printed distance apart: the gradient $(2x, 0)$ never moves $y$. On Himmelblau the start decides which
of the minima GD reaches (the counts are in the figure titles). Every Himmelblau run ends at a minimum — not at a saddle point or at the maximum — within
the first printed distance, below 1e-3 (§5). The check can fail: read after their first 20 steps, the same runs are still up to the second printed distance away. Real networks are non-convex, yet near a minimum the quadratic model of §1–3 still applies,
with $L$ and $\mu$ the extreme eigenvalues of the Hessian there: that is why $\eta < 2/L$ and the condition number keep mattering in deep learning.

## 5. Assertions (each with its negative control)
"""),
code(r"""
check("GD's loss falls after 100 steps (f_T < f_0)", (r: number) => r < 1, (r) => `f_T/f_0 = ${r.toExponential(2)}`,
  [`η = 0.98 · 2/L`, ratioBelow], [`η = 1.02 · 2/L`, ratioAbove]);
check("GD's loss falls after 100 steps (f_T < f_0)", (r: number) => r < 1, (r) => `f_T/f_0 = ${r.toExponential(2)}`,
  [`loss × 10, η = 0.98 · 2/(10L)`, ratioBelowTimes10], [`loss × 10, η = 1.02 · 2/(10L)`, ratioAboveTimes10]);
check("the measured rate equals (κ−1)/(κ+1) within 1e-4 for every κ",
  (rows: { measured: number; theory: number }[]) => rows.every((r) => Math.abs(r.measured - r.theory) < 1e-4),
  (rows) => `worst error ${Math.max(...rows.map((r) => Math.abs(r.measured - r.theory))).toExponential(1)}`,
  ["GD at η* = 2/(μ+L)", rateRows.map((r) => ({ measured: r["measured at η*"], theory: r["theory (κ−1)/(κ+1)"] }))],
  ["GD at η = 1/L", rateRows.map((r) => ({ measured: r["measured at η = 1/L"], theory: r["theory (κ−1)/(κ+1)"] }))]);
check("steps to 1e-6 grow linearly in κ (log-log slope within 0.1 of 1)", (s: number) => Math.abs(s - 1) < 0.1, (s) => `slope ${s.toFixed(3)}`,
  ["GD at η* (κ = 5 … 100)", stepsSlope], ["SGD with momentum tuned for each κ (heavy ball)", momentumSlope]);
check("no chord lies below the graph (convex)", (fraction: number) => fraction === 0, (f) => `violations ${f}`,
  ["Booth", boothViolations], ["Himmelblau", himmelblauViolations]);
check("no chord lies below the graph (convex)", (fraction: number) => fraction === 0, (f) => `violations ${f}`,
  ["x²", valleyViolations], ["Himmelblau", himmelblauViolations]);
check("GD from every start reaches the same minimum (within 1e-3)", (e: { distinct: number; worstDistance: number }) => e.distinct === 1 && e.worstDistance < 1e-3,
  (e) => `${e.distinct} distinct minima, worst distance ${e.worstDistance.toExponential(1)}`, ["Booth (strictly convex)", boothEnds], ["Himmelblau (non-convex)", himmelblauEnds]);
check("GD from every start ends at the same point (end points within 1e-3 of each other)", (e: { spread: number }) => e.spread < 1e-3,
  (e) => `end points up to ${e.spread.toExponential(1)} apart`, ["Booth (strictly convex)", boothEnds], ["x² (convex, not strictly)", valleyEnds]);
check("every run ends within 1e-3 of a minimum", (d: number) => d < 1e-3, (d) => `largest distance to the nearest minimum ${d.toExponential(1)}`,
  [`Himmelblau, after ${himmelblauSteps} steps`, himmelblauEnds.worstDistance], [`the same runs after ${earlySteps} steps`, himmelblauEarlyDistance]);
check("the η sweep follows the exact formula (|log10 measured − log10 formula| < 0.05 at every η)", (e: number) => e < 0.05, (e) => `worst log10 error ${e.toExponential(1)}`,
  [`the formula with the bowl's L = ${L}`, maxSweepError], ["the same formula with L 2% larger", maxSweepErrorNeighbour]);
plot.table(checks)
"""),
code(r"""
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
"""),
md(r"""
## Summary

- Gradient descent multiplies the error along each Hessian eigen-direction by $1-\eta\lambda$: stable iff $\eta < 2/L$, sharp at the threshold.
- The best fixed step $\eta^* = 2/(\mu+L)$ gives rate $\frac{\kappa-1}{\kappa+1}$; steps to a tolerance grow linearly with $\kappa$. The condition number, not the learning rate, limits GD.
- Convex functions have no local minima other than the global ones; *strictly* convex ones (Booth) have exactly one, and every start reaches it. A convex
  function that is not strictly convex can have a whole set of minimizers ($x^2$: the $y$-axis), and where GD ends depends on the start. Non-convex ones have
  several basins, but near a minimum the quadratic picture returns.

**Exercises**

1. Use `surfaces.rotatedQuadratic({ condition: 20 })`. Do the stable range and the rate change? (They depend on the eigenvalues only.)
2. Replace `optim.SGD` by `optim.SGD({ momentum: 0.9 })` in §3. How does the slope change? (Notebook 14 answers it.)
3. Find the largest η for which GD on Himmelblau from $(0, 0)$ still converges. Estimate $L$ at the minimum it reaches from that.
"""),
]

write("notebooks/13-convexity-and-conditioning.ipynb", "13", cells)
