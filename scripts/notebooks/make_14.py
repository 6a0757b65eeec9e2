"""Generates notebooks/14-momentum-theory.ipynb (python3 scripts/notebooks/make_14.py)."""
from nbwrite import md, code, write
from checks import CHECK_HELPER

cells = [
md(r"""
# 14 · Momentum, in theory and measured: the √κ speed-up, the (η, β) phase diagram, Nesterov

**Goes beyond the articles:** article 3 (`seeds/002_cd89ecdcc64c4b45.txt`) §2 lists momentum (原文「动量法」) among PyTorch's algorithms and says only that
"these algorithms each have their advantages and disadvantages" (原文「这些算法都有自己的优缺点」) — not what momentum's advantage is, or when it has one. Notebook 01 (§2) showed
momentum converging where plain GD diverged. Here, following Distill's "Why Momentum Really Works" and d2l.ai's momentum chapter, we derive *how much* faster it is,
find the best $(\eta, \beta)$ for a quadratic, draw the convergence rate over the whole $(\eta, \beta)$ plane — measured with `optim.SGD({ momentum })` itself —
and show that Nesterov's look-ahead has a different stability region.

**You will learn**

- why momentum on a quadratic is a 2×2 linear recurrence per eigen-direction, and how its spectral radius gives the rate;
- the optimal $\eta^*, \beta^*$ and the rate $\frac{\sqrt\kappa-1}{\sqrt\kappa+1}$: steps grow like $\sqrt\kappa$ instead of $\kappa$;
- the phase diagram over $(\eta, \beta)$, and where PyTorch's Nesterov momentum is stable.

Run time: 5.6–19 s, kernel start included, measured on 2026-12-07 on two CPU cores: 8.4 s in a CI run (two notebooks at a time, load average ≈ 2), 5.6 and 19 s here on the machine shared with other jobs (load average 7.0–8.0); the last code cell prints the time after the import. To scale up, raise `phaseSteps`
or the grid sizes `etaCount`, `betaCount`, `hCount`. The live version with sliders is in notebook 12 (playgrounds).
"""),
code(r"""
import { optim, surfaces, plot, backend, seed, train, tf } from "optimlab";
await backend.ready();
seed(0);
const notebookStart = performance.now();
""" + CHECK_HELPER),
md(r"""
## 1. Momentum on one eigen-direction

PyTorch's momentum keeps a buffer $b_t = \beta b_{t-1} + g_t$ and steps $\theta_{t+1} = \theta_t - \eta b_t$. On a quadratic, along an eigen-direction with curvature $\lambda$,
$g_t = \lambda\theta_t$; with $h = \eta\lambda$ this is the **heavy-ball** recurrence

$$\theta_{t+1} = (1 + \beta - h)\,\theta_t - \beta\,\theta_{t-1}, \qquad \begin{pmatrix}\theta_{t+1}\\ \theta_t\end{pmatrix} = \underbrace{\begin{pmatrix}1+\beta-h & -\beta\\ 1 & 0\end{pmatrix}}_{M}\begin{pmatrix}\theta_t\\ \theta_{t-1}\end{pmatrix}.$$

The error shrinks per step by the **spectral radius** $\rho(M)$, the larger modulus of the roots of $z^2 - (1+\beta-h)z + \beta = 0$. When the roots are complex,
$|z| = \sqrt\beta$: the iterate spirals in at a rate set by $\beta$ alone. The recurrence is stable iff $0 < h < 2(1+\beta)$ — momentum allows steps up to
$2(1+\beta)/L$ where GD stops at $2/L$.

PyTorch's **Nesterov** variant (`nesterov: true`) steps with the look-ahead $g_t + \beta b_t$. With $u_t = \eta b_t$ the state $(\theta_t, u_{t-1})$ evolves by
$\begin{pmatrix}1-h(1+\beta) & -\beta^2\\ h & \beta\end{pmatrix}$, with trace $1+\beta-h(1+\beta)$ and determinant $\beta(1-h)$. Its stability limit is
$h < \frac{2(1+\beta)}{1+2\beta}$: **smaller** than heavy ball's for every $\beta > 0$.
"""),
code(r"""
// Spectral radius of a 2×2 recurrence from its trace and determinant (the roots of z² − trace·z + det).
function spectralRadius(trace: number, det: number): number {
  const disc = trace * trace - 4 * det;
  if (disc >= 0) return Math.max(Math.abs((trace + Math.sqrt(disc)) / 2), Math.abs((trace - Math.sqrt(disc)) / 2));
  return Math.sqrt(det);
}
const heavyBallRate = (h: number, beta: number) => spectralRadius(1 + beta - h, beta);
const nesterovRate = (h: number, beta: number) => spectralRadius(1 + beta - h * (1 + beta), beta * (1 - h));
const gdRate = (h: number) => Math.abs(1 - h);
({ "heavy ball, h = 0.5, β = 0.5": heavyBallRate(0.5, 0.5), "√β": Math.sqrt(0.5), "Nesterov, h = 0.5, β = 0.5": nesterovRate(0.5, 0.5), "GD, h = 0.5": gdRate(0.5) })
"""),
md(r"""
## 2. The phase diagram, measured with `optim.SGD`

The dynamics along a direction depend only on $h = \eta\lambda$ and $\beta$. So one optimizer with `lr: 1` on a vector variable whose entry $i$ has curvature
$h_i$ (gradient $h_i\theta_i$) runs **every $h$ at once**. For each $\beta$ on a grid we run `phaseSteps` steps of `optim.SGD({ lr: 1, momentum: β })` (and
`nesterov: true`), and measure each entry's rate from the decay of $\theta^2$ summed over `phaseWindow` steps in the middle and at the end of the run:
$\rho \approx \left(\sum_{\text{end}}\theta_t^2 / \sum_{\text{middle}}\theta_t^2\right)^{1/T}$ (the window averages out the phase of the oscillation).

The variable holds three groups of entries: a dense grid of $h$ (for the stability limits), and $\eta\mu$ and $\eta L$ for an `etaCount`-point grid of $\eta$ on the
quadratic with $\mu = 0.1$, $L = 1$ ($\kappa = 10$), whose rate is the slower of its two directions.
"""),
code(r"""
const phaseSteps = 120;
const phaseWindow = 20;
const betaCount = 20;
const betas = Array.from({ length: betaCount }, (_, i) => +(0.05 * i).toFixed(2));       // 0 … 0.95
const hCount = 200;
const hGrid = Array.from({ length: hCount }, (_, i) => +(0.01 + 0.02 * i).toFixed(2));    // 0.01 … 3.99
const etaCount = 24;
const etas = Array.from({ length: etaCount }, (_, i) => +(0.1 + 0.1 * i).toFixed(1));    // 0.1 … 2.4
const phaseMu = 0.1;
const phaseL = 1;
const curvatures = [...hGrid, ...etas.map((e) => e * phaseMu), ...etas.map((e) => e * phaseL)];

async function measuredRates(beta: number, nesterov: boolean): Promise<number[]> {
  // Start at 1e30 so that fast-converging entries stay above float32's smallest numbers for all phaseSteps steps.
  const h = tf.tensor1d(curvatures);
  const theta = tf.variable(tf.fill([curvatures.length], 1e30), true, `phase/${nesterov}/${beta}`);
  const optimizer = new optim.SGD({ lr: 1, momentum: beta, nesterov: nesterov && beta > 0 });
  // Energies Σθ² over a window in the middle and one at the end: averaging over a window smooths the oscillation's phase.
  const early = new Float64Array(curvatures.length);
  const late = new Float64Array(curvatures.length);
  for (let t = 0; t < phaseSteps; t++) {
    const inEarly = t >= phaseSteps / 2 - phaseWindow && t < phaseSteps / 2;
    const inLate = t >= phaseSteps - phaseWindow;
    if (inEarly || inLate) theta.dataSync().forEach((v, i) => { (inEarly ? early : late)[i] += v * v; });
    tf.tidy(() => optimizer.applyGradients({ [theta.name]: theta.mul(h) }));
  }
  theta.dispose(); h.dispose(); optimizer.dispose();
  return Array.from(late, (e, i) => {
    if (!Number.isFinite(e) || !Number.isFinite(early[i])) return Infinity; // overflowed: diverged
    return e === 0 ? 0 : (e / early[i]) ** (1 / phaseSteps); // 0: underflowed to exactly zero (e.g. h = 1 without momentum)
  });
}
const phaseStart = performance.now();
const phaseProgress = new train.Progress({ name: "phase diagram", epochs: 1, stepsPerEpoch: 2 * betaCount });
const measured = { heavyBall: new Map<number, number[]>(), nesterov: new Map<number, number[]>() };
for (const [i, beta] of betas.entries()) {
  measured.heavyBall.set(beta, await measuredRates(beta, false));
  measured.nesterov.set(beta, await measuredRates(beta, true));
  phaseProgress.update({ epoch: 1, epochs: 1, step: 2 * (i + 1), stepsPerEpoch: 2 * betaCount, samplesPerSecond: 0, elapsed: (performance.now() - phaseStart) / 1000 });
}
phaseProgress.finish();
const quadraticRate = (rates: number[], j: number) => Math.max(rates[hCount + j], rates[hCount + etaCount + j]);
const phaseRows = betas.flatMap((beta) => etas.map((eta, j) => ({ η: eta, β: beta, rate: Math.min(quadraticRate(measured.heavyBall.get(beta)!, j), 1.05) })));
plot.heatmap(phaseRows, { x: "η", y: "β", z: "rate", title: "Momentum on a κ = 10 quadratic (μ = 0.1, L = 1): measured rate per step (≥ 1.05 shown as 1.05 = diverges)", xLabel: "learning rate η", yLabel: "momentum β", zLabel: "rate per step" })
"""),
code(r"""
// Compare the measured rates with the spectral radius formula on every stable cell of the dense h grid
// (rates below 0.4 are left out: after phaseSteps steps their θ is below float32's range).
type RateCell = { β: number; h: number; measured: number; expected: number; deviation: number };
function deviations(rates: Map<number, number[]>, theory: (h: number, beta: number) => number): RateCell[] {
  const cells: RateCell[] = [];
  for (const beta of betas) hGrid.forEach((h, i) => {
    const expected = theory(h, beta);
    const measuredRate = rates.get(beta)![i];
    if (expected >= 0.4 && expected < 1) cells.push({ β: beta, h, measured: measuredRate, expected, deviation: Math.abs(measuredRate - expected) });
  });
  return cells;
}
const worstOf = (cells: RateCell[]) => cells.reduce((a, b) => (b.deviation > a.deviation ? b : a));
const heavyBallCells = deviations(measured.heavyBall, heavyBallRate);
const worstHeavyBall = worstOf(heavyBallCells);
const heavyBallDeviation = worstHeavyBall.deviation;
const heavyBallVsGdFormula = worstOf(deviations(measured.heavyBall, (h) => gdRate(h))).deviation;
const nesterovDeviation = worstOf(deviations(measured.nesterov, nesterovRate)).deviation;
// §5's negative control for Nesterov: the same runs against heavy ball's ρ(M), on the cells where Nesterov's own formula says the run converges.
const nesterovVsHeavyBallFormula = worstOf(deviations(measured.nesterov, (h, beta) => (nesterovRate(h, beta) < 1 ? heavyBallRate(h, beta) : NaN))).deviation;
const sortedDeviations = heavyBallCells.map((c) => c.deviation).sort((a, b) => a - b);
const medianHeavyBallDeviation = sortedDeviations[Math.floor(sortedDeviations.length / 2)];
// Where the worst cell sits: the discriminant of z² − (1+β−h)z + β and, for complex roots z = √β·e^{±iφ}, the period 2π/φ of their rotation.
const worstTrace = 1 + worstHeavyBall.β - worstHeavyBall.h;
const worstDiscriminant = worstTrace ** 2 - 4 * worstHeavyBall.β;
const worstPeriod = worstDiscriminant < 0 ? (2 * Math.PI) / Math.atan2(Math.sqrt(-worstDiscriminant), worstTrace) : Infinity;
// The same window estimate on the exact recurrence in double precision (PyTorch's buffer b ← βb + g, θ ← θ − b, with lr 1 and g = hθ),
// at phaseSteps steps and with the run and the windows 4× longer.
function windowEstimate(h: number, beta: number, steps: number, window: number) {
  let theta = 1, buffer = 0, early = 0, late = 0;
  for (let t = 0; t < steps; t++) {
    if (t >= steps / 2 - window && t < steps / 2) early += theta * theta;
    if (t >= steps - window) late += theta * theta;
    buffer = beta * buffer + h * theta;
    theta -= buffer;
  }
  return (late / early) ** (1 / steps);
}
const exactDeviation = windowEstimate(worstHeavyBall.h, worstHeavyBall.β, phaseSteps, phaseWindow) - worstHeavyBall.expected;
const exactDeviationLong = windowEstimate(worstHeavyBall.h, worstHeavyBall.β, 4 * phaseSteps, 4 * phaseWindow) - worstHeavyBall.expected;
const bestCell = phaseRows.reduce((a, b) => (b.rate < a.rate ? b : a));
const bestGdCell = phaseRows.filter((r) => r.β === 0).reduce((a, b) => (b.rate < a.rate ? b : a));
const kappaPhase = phaseL / phaseMu;
const theoryBestRate = (Math.sqrt(kappaPhase) - 1) / (Math.sqrt(kappaPhase) + 1);
const theoryBestEta = 4 / (Math.sqrt(phaseL) + Math.sqrt(phaseMu)) ** 2;
const theoryBestBeta = theoryBestRate ** 2;
// The best rate any cell of the (η, β) grid can have in theory (the grid has no cell at β*).
const gridTheoryBest = Math.min(...betas.flatMap((beta) => etas.map((eta) => Math.max(heavyBallRate(eta * phaseMu, beta), heavyBallRate(eta * phaseL, beta)))));
({ "worst |measured − ρ(M)|, heavy ball": heavyBallDeviation, "worst |measured − ρ(M)|, Nesterov": nesterovDeviation, "median |measured − ρ(M)|, heavy ball": medianHeavyBallDeviation,
   "worst heavy-ball cell (β, h)": [worstHeavyBall.β, worstHeavyBall.h], "there: measured, ρ(M), relative deviation": [worstHeavyBall.measured, worstHeavyBall.expected, heavyBallDeviation / worstHeavyBall.expected],
   "there: discriminant, rotation period of the roots (steps)": [worstDiscriminant, worstPeriod],
   "there, exact recurrence in float64: estimate − ρ(M) at phaseSteps, at 4 × phaseSteps": [exactDeviation, exactDeviationLong],
   "best grid cell (η, β, rate)": [bestCell.η, bestCell.β, bestCell.rate], "theory η*, β*, rate": [theoryBestEta, theoryBestBeta, theoryBestRate],
   "best rate the grid allows, in theory": gridTheoryBest,
   "best plain-GD cell (β = 0)": [bestGdCell.η, bestGdCell.rate], "theory for GD (κ−1)/(κ+1)": (kappaPhase - 1) / (kappaPhase + 1) })
"""),
md(r"""
The measured rates agree with $\rho(M)$ on every stable cell with $\rho \ge 0.4$, for heavy ball and for Nesterov: the median deviation is tiny, the worst one is
a few percent of the rate (printed, with where it sits). The worst cells are where the two roots nearly coincide (discriminant near 0): there $\theta_t$ is $\rho^t$
times a slowly varying factor — $t$ at a double root, or a rotation of the complex roots whose period (printed) is several `phaseWindow`s long — which the windows
cannot average out. It is the estimate, not the optimizer: the same windows on the exact recurrence in double precision give the same deviation, and with the run
and the windows 4× longer a much smaller one (printed). §5 checks the worst deviation of each method from its own formula against 0.05, about twice the measured
one; against the neighbouring formula — GD's $|1-h|$ for the heavy-ball runs, heavy ball's $\rho(M)$ for the Nesterov runs (on the cells where Nesterov's own
formula says they converge) — the same check fails. The best cell of the grid sits next to
the theoretical optimum

$$\eta^* = \frac{4}{(\sqrt L + \sqrt\mu)^2}, \qquad \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad \rho^* = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},$$

(the printed values), while the best plain-GD cell ($\beta = 0$) cannot beat $\frac{\kappa-1}{\kappa+1}$. The best cell's rate is a little above $\rho^*$ because no
cell has $\beta = \beta^*$: it is as good as the grid allows in theory (printed), and §5 checks it within 0.05 of $\rho^*$. At $\beta^*$ both directions sit on the
edge of the complex region, with a double root of modulus $\sqrt{\beta^*}$ ($\rho^*$ for the flat direction, $-\rho^*$ for the stiff one): momentum *balances* the
slow and the fast direction by making both decay at the same rate — Distill's "critical damping" picture.

## 3. Stability regions: heavy ball vs Nesterov

For each $\beta$ the measured limit is the largest $h$ on the dense grid below which every entry converged.
"""),
code(r"""
function measuredLimit(rates: number[]) {
  let limit = 0;
  for (let i = 0; i < hCount; i++) { if (rates[i] < 1) limit = hGrid[i]; else break; }
  return limit;
}
const limitRows = betas.map((beta) => ({ β: beta, "heavy ball measured": measuredLimit(measured.heavyBall.get(beta)!), "heavy ball 2(1+β)": 2 * (1 + beta),
  "Nesterov measured": measuredLimit(measured.nesterov.get(beta)!), "Nesterov 2(1+β)/(1+2β)": (2 * (1 + beta)) / (1 + 2 * beta) }));
plot.line(
  { "heavy ball (measured)": { x: betas, y: limitRows.map((r) => r["heavy ball measured"]) }, "heavy ball: 2(1+β)": { x: betas, y: limitRows.map((r) => r["heavy ball 2(1+β)"]), dashed: true },
    "Nesterov (measured)": { x: betas, y: limitRows.map((r) => r["Nesterov measured"]) }, "Nesterov: 2(1+β)/(1+2β)": { x: betas, y: limitRows.map((r) => r["Nesterov 2(1+β)/(1+2β)"]), dashed: true } },
  { title: "Largest stable h = ηλ against β (measured h grid tops out at 3.99)", xLabel: "momentum β", yLabel: "largest stable ηλ" },
)
"""),
md(r"""
The heavy-ball limit $2(1+\beta)$ leaves the grid above $\beta \approx 1$ (the grid ends below $h = 4$), the Nesterov limit *falls* from 2 towards $\tfrac43$ as $\beta$
grows. Each measured limit follows its formula to one grid step, and fails against the neighbouring one — GD's limit 2 for heavy ball, heavy ball's $2(1+\beta)$
for Nesterov (§5). So the same `lr` that is safe with `momentum: 0.9` can diverge with `nesterov: true`. What Nesterov buys in exchange is damping: at small $h$ its
determinant $\beta(1-h)$ is below heavy ball's $\beta$, so the slow-direction oscillations die faster — §1 prints one such point: at $h = \beta = 0.5$ the rate
is 0.5 for Nesterov against 0.707 for heavy ball. (Notebook 01, §2 shows only the other side of the trade: at $\eta = 0.6$, beyond its smaller stable range, Nesterov diverges.)

## 4. The √κ speed-up on real trajectories

For $\kappa \in$ `speedKappas` we run `optim.SGD` on $\tfrac12(x^2 + \kappa y^2)$ from $(1, 1)$: plain GD at its best $\eta = 2/(1+\kappa)$ and momentum at
$(\eta^*, \beta^*)$, counting steps until $f_t / f_0 < 10^{-6}$.
"""),
code(r"""
const speedKappas = [10, 100, 1000];
const speedSteps = 4000;
const speedTolerance = 1e-6;
async function stepsToTolerance(kappa: number, lr: number, momentum: number) {
  const run = await surfaces.trajectory(surfaces.quadratic({ a: 0.5, b: kappa / 2 }), () => new optim.SGD({ lr, momentum }), { start: [1, 1], steps: speedSteps });
  const hit = run.loss.findIndex((f) => f / run.loss[0] < speedTolerance);
  return hit < 0 ? Infinity : hit;
}
// Predicted momentum steps at (η*, β*): f_t/f_0 ≈ ρ*^{2t} if the decay were a plain geometric one; with the double root, the stiff direction's
// error is about (1 + 2t)ρ*^t, so t solves 2t·ln(1/ρ*) = ln(1/tolerance) + 2 ln(1 + 2t) (fixed-point iteration).
function predictedSteps(rho: number, doubleRoot: boolean) {
  let t = Math.log(1 / speedTolerance) / (2 * Math.log(1 / rho));
  if (doubleRoot) for (let i = 0; i < 50; i++) t = (Math.log(1 / speedTolerance) + 2 * Math.log(1 + 2 * t)) / (2 * Math.log(1 / rho));
  return t;
}
const speedStart = performance.now();
const speedProgress = new train.Progress({ name: "√κ speed-up", epochs: 1, stepsPerEpoch: 2 * speedKappas.length });
const speedRows = [];
for (const [i, kappa] of speedKappas.entries()) {
  const gdSteps = await stepsToTolerance(kappa, 2 / (1 + kappa), 0);
  speedProgress.update({ epoch: 1, epochs: 1, step: 2 * i + 1, stepsPerEpoch: 2 * speedKappas.length, samplesPerSecond: 0, elapsed: (performance.now() - speedStart) / 1000 });
  const rhoStar = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
  const momentumSteps = await stepsToTolerance(kappa, 4 / (1 + Math.sqrt(kappa)) ** 2, rhoStar ** 2);
  speedProgress.update({ epoch: 1, epochs: 1, step: 2 * i + 2, stepsPerEpoch: 2 * speedKappas.length, samplesPerSecond: 0, elapsed: (performance.now() - speedStart) / 1000 });
  speedRows.push({ κ: kappa, "GD steps": gdSteps, "momentum steps": momentumSteps, "speed-up": gdSteps / momentumSteps, "√κ": Math.sqrt(kappa), "speed-up / √κ": gdSteps / momentumSteps / Math.sqrt(kappa),
    "predicted, ρ*^t only": predictedSteps(rhoStar, false), "predicted, (1+2t)ρ*^t": predictedSteps(rhoStar, true) });
}
speedProgress.finish();
const slopeOf = (ys: number[]) => Math.log(ys[ys.length - 1] / ys[0]) / Math.log(speedKappas[speedKappas.length - 1] / speedKappas[0]);
const gdSlope = slopeOf(speedRows.map((r) => r["GD steps"]));
const momentumSlope = slopeOf(speedRows.map((r) => r["momentum steps"]));
plot.table(speedRows)
"""),
md(r"""
GD's step count grows with $\kappa$ and momentum's with $\sqrt\kappa$: the log-log slopes printed in §5 are close to 1 and ½. The speed-up grows with $\sqrt\kappa$ but
stays below it by a gap that *widens* with $\kappa$ (the column speed-up / $\sqrt\kappa$ falls), not by a constant. The reason is the double root: at $(\eta^*, \beta^*)$ both
directions have a double root ($\rho^*$ for the flat one, $-\rho^*$ for the stiff one), and the stiff direction's error is about $(1+2t)\,\rho^{*t}$ instead of $\rho^{*t}$.
Reaching $f_t/f_0 < 10^{-6}$ then takes the $t$ with $2t\ln\frac{1}{\rho^*} = \ln 10^6 + 2\ln(1+2t)$: the extra term grows with the number of steps, so momentum pays a
factor that grows like $\log\kappa$ on top of its $\sqrt\kappa$. The last two columns solve for $t$ without and with the factor: with it, the prediction matches the
measured steps (§5 checks within 5%); without it, it is far too optimistic.

> **The article says** (article 3, §2): 原文「PyTorch提供了许多优化算法，如梯度下降、动量法、RMSprop、Adam等。这些算法都有自己的优缺点」 — PyTorch offers gradient
> descent, momentum, RMSprop, Adam…; "these algorithms each have their advantages and disadvantages".
>
> **What actually happens:** momentum's advantage can be stated and measured: on a quadratic, tuned momentum needs far fewer steps than the best tuned GD, by a
> factor that grows like $\sqrt\kappa$ up to the slowly growing log factor above (measured: 0.69, 0.60 and 0.54 × $\sqrt\kappa$ at $\kappa$ = 10, 100, 1000, the
> column speed-up / $\sqrt\kappa$) — but only when $\beta$ is tuned to $\kappa$; a badly chosen $\beta$ (the top rows of the phase diagram, where every rate is at least $\sqrt\beta$) is slower than GD.

## 5. Assertions (each with its negative control)
"""),
code(r"""
check("measured rates follow the heavy-ball spectral radius ρ(M) within 0.05", (d: number) => d < 0.05, (d) => `worst deviation ${d.toFixed(4)}`,
  ["optim.SGD({ momentum: β }) on the h grid", heavyBallDeviation], ["the same runs against GD's formula |1 − h| (momentum ignored)", heavyBallVsGdFormula]);
check("Nesterov's measured rates follow its own ρ(M) within 0.05", (d: number) => d < 0.05, (d) => `worst deviation ${d.toFixed(4)}`,
  ["optim.SGD({ momentum: β, nesterov: true }) against Nesterov's ρ(M)", nesterovDeviation], ["the same runs against heavy ball's ρ(M), where Nesterov's is below 1", nesterovVsHeavyBallFormula]);
check("the best rate on the (η, β) grid is within 0.05 of (√κ−1)/(√κ+1)", (rate: number) => Math.abs(rate - theoryBestRate) < 0.05, (r) => `best rate ${r.toFixed(4)} (theory ${theoryBestRate.toFixed(4)})`,
  ["all β", bestCell.rate], ["β = 0 (plain GD)", bestGdCell.rate]);
check("the stability limit follows 2(1+β)/(1+2β) within one grid step (0.02) for every β",
  (limits: number[]) => limits.every((l, i) => Math.abs(l - (2 * (1 + betas[i])) / (1 + 2 * betas[i])) <= 0.02 + 1e-9),
  (limits) => `worst gap ${Math.max(...limits.map((l, i) => Math.abs(l - (2 * (1 + betas[i])) / (1 + 2 * betas[i])))).toFixed(3)}`,
  ["Nesterov", limitRows.map((r) => r["Nesterov measured"])], ["heavy ball", limitRows.map((r) => r["heavy ball measured"])]);
check("steps to 1e-6 grow like √κ (log-log slope within 0.15 of ½)", (s: number) => Math.abs(s - 0.5) < 0.15, (s) => `slope ${s.toFixed(3)}`,
  ["momentum at (η*, β*)", momentumSlope], ["GD at its best η", gdSlope]);
check("momentum's steps to 1e-6 match the prediction within 5% for every κ",
  (predicted: number[]) => predicted.every((t, i) => Math.abs(t / speedRows[i]["momentum steps"] - 1) < 0.05),
  (predicted) => `predicted/measured ${predicted.map((t, i) => (t / speedRows[i]["momentum steps"]).toFixed(3)).join(", ")}`,
  ["double root, (1+2t)ρ*^t", speedRows.map((r) => r["predicted, (1+2t)ρ*^t"])], ["plain geometric decay ρ*^t", speedRows.map((r) => r["predicted, ρ*^t only"])]);
// Heavy ball's limit 2(1+β), on the rows where it lies inside the h grid (all of them: 2(1+0.95) = 3.9 < 3.99); control: GD's limit 2, momentum ignored.
const insideGrid = limitRows.filter((r) => r["heavy ball 2(1+β)"] < 3.99);
check("heavy ball's measured stability limit follows the formula within one grid step (0.02) for every β",
  (formula: (beta: number) => number) => insideGrid.every((r) => Math.abs(r["heavy ball measured"] - formula(r.β)) <= 0.02 + 1e-9),
  (formula) => `worst gap ${Math.max(...insideGrid.map((r) => Math.abs(r["heavy ball measured"] - formula(r.β)))).toFixed(3)}`,
  ["2(1+β)", (beta) => 2 * (1 + beta)], ["GD's limit 2 (momentum ignored)", () => 2]);
plot.table(checks)
"""),
code(r"""
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
"""),
md(r"""
## Summary

- On a quadratic, momentum is a 2×2 linear recurrence per eigen-direction; its spectral radius is the rate, and `optim.SGD` follows it to the printed precision.
- Tuned as $\eta^* = 4/(\sqrt L+\sqrt\mu)^2$, $\beta^* = \left(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\right)^2$, it converges at $\frac{\sqrt\kappa-1}{\sqrt\kappa+1}$: steps grow like $\sqrt\kappa$ (times a slowly growing
  log factor: at $\beta^*$ the roots are double, and the error decays like $(1+2t)\rho^{*t}$).
- Heavy ball is stable for $\eta L < 2(1+\beta)$; PyTorch's Nesterov only for $\eta L < 2(1+\beta)/(1+2\beta)$, but at small $h$ its
  oscillations die faster (rate $\sqrt{\beta(1-h)}$ instead of $\sqrt\beta$; 0.5 against 0.707 at $h = \beta = 0.5$).

**Exercises**

1. Redraw the phase diagram for $\kappa = 100$ (`phaseMu = 0.01`). Where does the best cell move?
2. Add `dampening: 0.5` to the optimizer in `measuredRates`. Which formula does the measured stability limit follow now? (Hint: dampening scales the gradient by $1-\tau$.)
3. Give momentum the noisy gradients of `surfaces.trajectory(..., { gradNoise })`. Does a large $\beta$ still help?
"""),
]

write("notebooks/14-momentum-theory.ipynb", "14", cells)
