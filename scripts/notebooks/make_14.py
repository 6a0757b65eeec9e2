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

Run time: 32 s measured here, kernel start included, on 2 CPU cores shared with other jobs (load average ≈ 11); the last cell prints the time after the import. To scale up, raise `phaseSteps`
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
const phaseProgress = new train.Progress({ name: "phase diagram", epochs: 1, stepsPerEpoch: 2 * betaCount });
const measured = { heavyBall: new Map<number, number[]>(), nesterov: new Map<number, number[]>() };
for (const [i, beta] of betas.entries()) {
  measured.heavyBall.set(beta, await measuredRates(beta, false));
  measured.nesterov.set(beta, await measuredRates(beta, true));
  phaseProgress.update({ epoch: 1, epochs: 1, step: 2 * (i + 1), stepsPerEpoch: 2 * betaCount, samplesPerSecond: 0, elapsed: (performance.now() - notebookStart) / 1000 });
}
phaseProgress.finish();
const quadraticRate = (rates: number[], j: number) => Math.max(rates[hCount + j], rates[hCount + etaCount + j]);
const phaseRows = betas.flatMap((beta) => etas.map((eta, j) => ({ η: eta, β: beta, rate: Math.min(quadraticRate(measured.heavyBall.get(beta)!, j), 1.05) })));
plot.heatmap(phaseRows, { x: "η", y: "β", z: "rate", title: "Momentum on a κ = 10 quadratic (μ = 0.1, L = 1): measured rate per step (≥ 1.05 shown as 1.05 = diverges)", xLabel: "learning rate η", yLabel: "momentum β", zLabel: "rate per step" })
"""),
code(r"""
// Compare the measured rates with the spectral radius formula on every stable cell of the dense h grid
// (rates below 0.4 are left out: after phaseSteps steps their θ is below float32's range).
function worstDeviation(rates: Map<number, number[]>, theory: (h: number, beta: number) => number) {
  let worst = 0;
  for (const beta of betas) hGrid.forEach((h, i) => {
    const expected = theory(h, beta);
    if (expected >= 0.4 && expected < 1) worst = Math.max(worst, Math.abs(rates.get(beta)![i] - expected));
  });
  return worst;
}
const heavyBallDeviation = worstDeviation(measured.heavyBall, heavyBallRate);
const heavyBallVsGdFormula = worstDeviation(measured.heavyBall, (h) => gdRate(h));
const nesterovDeviation = worstDeviation(measured.nesterov, nesterovRate);
const bestCell = phaseRows.reduce((a, b) => (b.rate < a.rate ? b : a));
const bestGdCell = phaseRows.filter((r) => r.β === 0).reduce((a, b) => (b.rate < a.rate ? b : a));
const kappaPhase = phaseL / phaseMu;
const theoryBestRate = (Math.sqrt(kappaPhase) - 1) / (Math.sqrt(kappaPhase) + 1);
const theoryBestEta = 4 / (Math.sqrt(phaseL) + Math.sqrt(phaseMu)) ** 2;
const theoryBestBeta = theoryBestRate ** 2;
({ "worst |measured − ρ(M)|, heavy ball": heavyBallDeviation, "worst |measured − ρ(M)|, Nesterov": nesterovDeviation,
   "best grid cell (η, β, rate)": [bestCell.η, bestCell.β, bestCell.rate], "theory η*, β*, rate": [theoryBestEta, theoryBestBeta, theoryBestRate],
   "best plain-GD cell (β = 0)": [bestGdCell.η, bestGdCell.rate], "theory for GD (κ−1)/(κ+1)": (kappaPhase - 1) / (kappaPhase + 1) })
"""),
md(r"""
The measured rates agree with $\rho(M)$ to the printed deviation on every stable cell with $\rho \ge 0.4$, for heavy ball and for Nesterov. (The largest deviations sit
where the two roots nearly coincide: there the decay is $t\rho^t$, and the factor $t$ biases a finite-window estimate by about 1%.) The best cell of the grid sits next to
the theoretical optimum

$$\eta^* = \frac{4}{(\sqrt L + \sqrt\mu)^2}, \qquad \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad \rho^* = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},$$

(the printed values), while the best plain-GD cell ($\beta = 0$) cannot beat $\frac{\kappa-1}{\kappa+1}$. At $\beta^*$ both directions have complex roots of modulus
$\sqrt{\beta^*}$: momentum *balances* the slow and the fast direction by making both oscillate at the same rate — Distill's "critical damping" picture.

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
grows. So the same `lr` that is safe with `momentum: 0.9` can diverge with `nesterov: true`. What Nesterov buys in exchange is damping: at small $h$ its
determinant $\beta(1-h)$ is below heavy ball's $\beta$, so the slow-direction oscillations die faster (compare the two paths in notebook 01, §2).

## 4. The √κ speed-up on real trajectories

For $\kappa \in$ `speedKappas` we run `optim.SGD` on $\tfrac12(x^2 + \kappa y^2)$ from $(1, 1)$: plain GD at its best $\eta = 2/(1+\kappa)$ and momentum at
$(\eta^*, \beta^*)$, counting steps until $f_t / f_0 < 10^{-6}$.
"""),
code(r"""
const speedKappas = [10, 100, 1000];
const speedSteps = 4000;
async function stepsToTolerance(kappa: number, lr: number, momentum: number) {
  const run = await surfaces.trajectory(surfaces.quadratic({ a: 0.5, b: kappa / 2 }), () => new optim.SGD({ lr, momentum }), { start: [1, 1], steps: speedSteps });
  const hit = run.loss.findIndex((f) => f / run.loss[0] < 1e-6);
  return hit < 0 ? Infinity : hit;
}
const speedRows = [];
for (const kappa of speedKappas) {
  const gdSteps = await stepsToTolerance(kappa, 2 / (1 + kappa), 0);
  const momentumSteps = await stepsToTolerance(kappa, 4 / (1 + Math.sqrt(kappa)) ** 2, ((Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1)) ** 2);
  speedRows.push({ κ: kappa, "GD steps": gdSteps, "momentum steps": momentumSteps, "speed-up": gdSteps / momentumSteps, "√κ": Math.sqrt(kappa) });
}
const slopeOf = (ys: number[]) => Math.log(ys[ys.length - 1] / ys[0]) / Math.log(speedKappas[speedKappas.length - 1] / speedKappas[0]);
const gdSlope = slopeOf(speedRows.map((r) => r["GD steps"]));
const momentumSlope = slopeOf(speedRows.map((r) => r["momentum steps"]));
plot.table(speedRows)
"""),
md(r"""
GD's step count grows with $\kappa$ and momentum's with $\sqrt\kappa$: the log-log slopes printed in §5 are close to 1 and ½, and the speed-up column grows like $\sqrt\kappa$
(below it by a constant: at $\beta^*$ the two roots coincide, which adds a factor $t$ to the decay, $t\rho^t$).

> **The article says** (article 3, §2): 原文「PyTorch提供了许多优化算法，如梯度下降、动量法、RMSprop、Adam等。这些算法都有自己的优缺点」 — PyTorch offers gradient
> descent, momentum, RMSprop, Adam…; "these algorithms each have their advantages and disadvantages".
>
> **What actually happens:** momentum's advantage can be stated and measured: on a quadratic, tuned momentum needs about $\sqrt\kappa$ times fewer steps than the
> best tuned GD (above) — but only when $\beta$ is tuned to $\kappa$; a badly chosen $\beta$ (the top rows of the phase diagram, where every rate is at least $\sqrt\beta$) is slower than GD.

## 5. Assertions (each with its negative control)
"""),
code(r"""
check("measured rates follow the heavy-ball spectral radius ρ(M) within 0.03", (d: number) => d < 0.03, (d) => `worst deviation ${d.toFixed(4)}`,
  ["optim.SGD({ momentum: β }) on the h grid", heavyBallDeviation], ["the same runs against GD's formula |1 − h| (momentum ignored)", heavyBallVsGdFormula]);
check("the best rate on the (η, β) grid is within 0.03 of (√κ−1)/(√κ+1)", (rate: number) => Math.abs(rate - theoryBestRate) < 0.03, (r) => `best rate ${r.toFixed(4)} (theory ${theoryBestRate.toFixed(4)})`,
  ["all β", bestCell.rate], ["β = 0 (plain GD)", bestGdCell.rate]);
check("the stability limit follows 2(1+β)/(1+2β) within one grid step (0.02) for every β",
  (limits: number[]) => limits.every((l, i) => Math.abs(l - (2 * (1 + betas[i])) / (1 + 2 * betas[i])) <= 0.02 + 1e-9),
  (limits) => `worst gap ${Math.max(...limits.map((l, i) => Math.abs(l - (2 * (1 + betas[i])) / (1 + 2 * betas[i])))).toFixed(3)}`,
  ["Nesterov", limitRows.map((r) => r["Nesterov measured"])], ["heavy ball", limitRows.map((r) => r["heavy ball measured"])]);
check("steps to 1e-6 grow like √κ (log-log slope within 0.15 of ½)", (s: number) => Math.abs(s - 0.5) < 0.15, (s) => `slope ${s.toFixed(3)}`,
  ["momentum at (η*, β*)", momentumSlope], ["GD at its best η", gdSlope]);
if (!(nesterovDeviation < 0.03)) throw new Error(`Nesterov's measured rates should follow its own ρ(M): worst deviation ${nesterovDeviation}`);
if (!(limitRows.filter((r) => r["heavy ball 2(1+β)"] < 3.99).every((r) => Math.abs(r["heavy ball measured"] - r["heavy ball 2(1+β)"]) <= 0.02 + 1e-9)))
  throw new Error("heavy ball's measured stability limit should be 2(1+β) where it is inside the grid");
plot.table(checks)
"""),
code(r"""
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
"""),
md(r"""
## Summary

- On a quadratic, momentum is a 2×2 linear recurrence per eigen-direction; its spectral radius is the rate, and `optim.SGD` follows it to the printed precision.
- Tuned as $\eta^* = 4/(\sqrt L+\sqrt\mu)^2$, $\beta^* = \left(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\right)^2$, it converges at $\frac{\sqrt\kappa-1}{\sqrt\kappa+1}$: steps grow like $\sqrt\kappa$.
- Heavy ball is stable for $\eta L < 2(1+\beta)$; PyTorch's Nesterov only for $\eta L < 2(1+\beta)/(1+2\beta)$, but it damps oscillations better.

**Exercises**

1. Redraw the phase diagram for $\kappa = 100$ (`phaseMu = 0.01`). Where does the best cell move?
2. Add `dampening: 0.5` to the optimizer in `measuredRates`. Which formula does the measured stability limit follow now? (Hint: dampening scales the gradient by $1-\tau$.)
3. Give momentum the noisy gradients of `surfaces.trajectory(..., { gradNoise })`. Does a large $\beta$ still help?
"""),
]

write("notebooks/14-momentum-theory.ipynb", "14", cells)
