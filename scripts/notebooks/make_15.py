"""Generates notebooks/15-newton-and-preconditioning.ipynb (python3 scripts/notebooks/make_15.py)."""
from nbwrite import md, code, write
from checks import CHECK_HELPER

cells = [
md(r"""
# 15 · Newton's method and preconditioning: Adagrad, RMSprop and Adam as diagonal preconditioners

**Goes beyond the articles:** article 3 (`seeds/002_cd89ecdcc64c4b45.txt`) §3 says Adam "adaptively adjusts the learning rate" of each parameter, article 4 §3.3 that it
"automatically learns the learning rate". What these methods really do is **precondition**: multiply the gradient by a matrix that (approximately) undoes the
curvature. Newton's method is the ideal preconditioner; Adagrad, RMSprop and Adam are cheap *diagonal* ones. This notebook shows what each buys and where a
diagonal preconditioner cannot help (d2l.ai's chapter on Newton's method and preconditioning, measured here with our optimizers).

**You will learn**

- why Newton's step $\theta - H^{-1}\nabla f$ solves any quadratic in one step, whatever its condition number;
- how it behaves on non-quadratic functions: fast near a minimum, divergent far from it, attracted to saddle points;
- why adaptive methods help on axis-aligned ill-conditioning and lose their edge when the same problem is rotated.

Run time: 6.3–23 s, kernel start included, measured on 2026-12-07 on two CPU cores: 9.3 s in a CI run (two notebooks at a time, load average ≈ 2), 6.3 and 23 s here on the machine shared with other jobs (load average 6.9–7.6); the last code cell prints the time after the import. To scale up, raise `rotationSteps`
or add learning rates to `lrGrid` (§4).
"""),
code(r"""
import { optim, surfaces, plot, backend, seed, train } from "optimlab";
await backend.ready();
seed(0);
const notebookStart = performance.now();
""" + CHECK_HELPER),
md(r"""
## 1. Newton's step

Around $\theta$, $f(\theta + d) \approx f(\theta) + \nabla f^\top d + \tfrac12 d^\top H d$. Minimizing this model over $d$ gives Newton's step $d = -H^{-1}\nabla f(\theta)$.
On a quadratic the model *is* the function, so one step lands on the minimum. Gradient descent is the special case $H \approx \frac1\eta I$: it pretends every
direction has the same curvature, which is exactly what a large condition number breaks (notebook 13).

The surfaces give analytic gradients; we get the 2×2 Hessian by central differences of the gradient and take Newton steps in double precision.
"""),
code(r"""
type Point = [number, number];
function hessian(surface: surfaces.Surface, [x, y]: Point, eps = 1e-5): [[number, number], [number, number]] {
  const [gxp, gyp] = surface.gradient(x + eps, y), [gxm, gym] = surface.gradient(x - eps, y);
  const [hxp, hyp] = surface.gradient(x, y + eps), [hxm, hym] = surface.gradient(x, y - eps);
  const hxy = ((gyp - gym) + (hxp - hxm)) / (4 * eps);   // symmetrized
  return [[(gxp - gxm) / (2 * eps), hxy], [hxy, (hyp - hym) / (2 * eps)]];
}
/** Newton's method: θ ← θ − damping · H⁻¹ ∇f, for `steps` steps (stops if the point leaves the finite numbers). */
function newtonPath(surface: surfaces.Surface, start: Point, steps: number, damping = 1) {
  const path: Point[] = [start];
  for (let t = 0; t < steps; t++) {
    const [x, y] = path[path.length - 1];
    const [gx, gy] = surface.gradient(x, y);
    const [[a, b], [, d]] = hessian(surface, [x, y]);
    const det = a * d - b * b;
    const next: Point = [x - damping * (d * gx - b * gy) / det, y - damping * (a * gy - b * gx) / det];
    if (!next.every(Number.isFinite)) break;
    path.push(next);
  }
  return { path, loss: path.map(([x, y]) => surface.value(x, y)) };
}
const firstHit = (loss: number[], below: number) => { const i = loss.findIndex((f) => f < below); return i < 0 ? Infinity : i; };

const newtonKappas = [10, 100];
const quadraticStart = performance.now();
const quadraticProgress = new train.Progress({ name: "Newton vs GD", epochs: 1, stepsPerEpoch: newtonKappas.length });
const quadraticRows = [];
for (const [i, kappa] of newtonKappas.entries()) {
  const bowl = surfaces.rotatedQuadratic({ condition: kappa });           // eigenvalues 0.2 and 0.2κ, rotated 45°
  const f0 = bowl.value(...bowl.start);
  const newton = newtonPath(bowl, bowl.start, 3);
  // GD at η* contracts by (κ−1)/(κ+1) ≈ 1 − 2/κ per step, so f/f₀ < 1e-8 takes about (κ/4)·ln(1e8) ≈ 4.6κ steps: 10κ leaves room.
  const gd = await surfaces.trajectory(bowl, () => new optim.SGD({ lr: 2 / (0.2 + 0.2 * kappa) }), { steps: 10 * kappa });
  quadraticRows.push({ κ: kappa, "Newton: steps to f/f₀ < 1e-8": firstHit(newton.loss, 1e-8 * f0), "GD at η*: steps": firstHit(gd.loss, 1e-8 * f0), "Newton f after 1 step": newton.loss[1] });
  quadraticProgress.update({ epoch: 1, epochs: 1, step: i + 1, stepsPerEpoch: newtonKappas.length, samplesPerSecond: 0, elapsed: (performance.now() - quadraticStart) / 1000 });
}
quadraticProgress.finish();
plot.table(quadraticRows)
"""),
md(r"""
Newton needs one step for every $\kappa$ (its $f$ after one step is at the rounding level, printed); GD at its best learning rate needs the printed number of steps,
growing with $\kappa$. The price: forming and solving with $H$ costs $O(n^2)$ memory and $O(n^3)$ time for $n$ parameters — impossible for a network with a million
weights, which is why practical methods approximate $H^{-1}$ cheaply.

## 2. Newton on non-quadratic functions

**Near a minimum it is very fast.** On Rosenbrock from $(-1.5, 2)$, Newton's path versus `optim.SGD` and `optim.Adam`, each at the best learning rate of a small grid
(the final $f$ at every $\eta$ is printed: the best is inside each grid — GD diverges at its grid's largest $\eta$, Adam is no better there):
"""),
code(r"""
const banana = surfaces.rosenbrock();
const bananaNewton = newtonPath(banana, banana.start, 30);
const bananaLrs = { GD: [2e-4, 5e-4, 1e-3, 2e-3, 5e-3], Adam: [0.005, 0.02, 0.05, 0.2, 0.5] };
const bananaStart = performance.now();
const bananaProgress = new train.Progress({ name: "Rosenbrock lr grid", epochs: 1, stepsPerEpoch: bananaLrs.GD.length + bananaLrs.Adam.length });
let bananaDone = 0;
/** The best run over `lrs` (lowest final f among the runs that did not diverge), and the final f at each lr (Infinity: diverged). */
async function bestOf(make: (lr: number) => import("@tensorflow/tfjs").Optimizer, lrs: number[], steps: number, name: string) {
  let best: surfaces.Trajectory & { name: string } = { path: [], loss: [Infinity], diverged: true, name };
  const finals: number[] = [];
  for (const lr of lrs) {
    const run = await surfaces.trajectory(banana, () => make(lr), { steps });
    finals.push(run.diverged ? Infinity : run.loss[run.loss.length - 1]);
    if (!run.diverged && run.loss[run.loss.length - 1] < best.loss[best.loss.length - 1]) best = { ...run, name: `${name} η=${lr}` };
    bananaProgress.update({ epoch: 1, epochs: 1, step: ++bananaDone, stepsPerEpoch: bananaLrs.GD.length + bananaLrs.Adam.length, samplesPerSecond: 0, elapsed: (performance.now() - bananaStart) / 1000 });
  }
  return { best, finals };
}
const bananaSteps = 2000;
const { best: bananaGd, finals: bananaGdFinals } = await bestOf((lr) => new optim.SGD({ lr }), bananaLrs.GD, bananaSteps, "GD");
const { best: bananaAdam, finals: bananaAdamFinals } = await bestOf((lr) => new optim.Adam({ lr }), bananaLrs.Adam, bananaSteps, "Adam");
bananaProgress.finish();
const newtonStepsRosenbrock = firstHit(bananaNewton.loss, 1e-10);
const bananaFinal = { "Newton: steps to f < 1e-10": newtonStepsRosenbrock, [`${bananaGd.name}: f after ${bananaSteps}`]: bananaGd.loss[bananaSteps], [`${bananaAdam.name}: f after ${bananaSteps}`]: bananaAdam.loss[bananaSteps],
  [`GD: f after ${bananaSteps} at η = ${bananaLrs.GD.join(", ")} (Infinity: diverged)`]: bananaGdFinals, [`Adam: f after ${bananaSteps} at η = ${bananaLrs.Adam.join(", ")}`]: bananaAdamFinals };
display(plot.trajectories(banana, [{ name: "Newton", path: bananaNewton.path.slice(0, newtonStepsRosenbrock + 1) }, bananaGd, bananaAdam], { title: "Rosenbrock: Newton vs tuned GD and Adam" }));
bananaFinal
"""),
md(r"""
**Far from a minimum it can diverge.** On $f(x) = \sqrt{1+x^2}$ (convex, minimum at 0), $f' = x/\sqrt{1+x^2}$ and $f'' = (1+x^2)^{-3/2}$, so Newton's step is
$x \leftarrow x - f'/f'' = -x^3$: it converges from $|x_0| < 1$ and diverges from $|x_0| > 1$. The quadratic model trusts a curvature that vanishes far out.
**Damped** Newton (a step size below 1, or a line search) restores convergence.
"""),
code(r"""
function newton1d(x0: number, steps: number, damping = 1) {
  const xs = [x0];
  for (let t = 0; t < steps; t++) {
    const x = xs[xs.length - 1];
    const next = x - (damping * (x / Math.sqrt(1 + x * x))) / (1 + x * x) ** -1.5;
    xs.push(next);
    if (!Number.isFinite(next) || Math.abs(next) > 1e100) break;
  }
  return xs;
}
const newtonFrom09 = newton1d(0.9, 8);
const newtonFrom11 = newton1d(1.1, 8);
const dampedFrom11 = newton1d(1.1, 40, 0.2);
plot.table([
  { run: "Newton from 0.9", "|x| after each step": newtonFrom09.slice(1).map((x) => Math.abs(x).toExponential(1)).join(", ") },
  { run: "Newton from 1.1", "|x| after each step": newtonFrom11.slice(1).map((x) => Math.abs(x).toExponential(1)).join(", ") },
  { run: "damped Newton (0.2) from 1.1, last 4 of 40", "|x| after each step": dampedFrom11.slice(-4).map((x) => Math.abs(x).toExponential(1)).join(", ") },
])
"""),
md(r"""
**It is attracted to saddle points.** Newton's step goes to the nearest stationary point of the quadratic model, whatever its kind. On the saddle $x^2 - y^2$
started at $(-1.5, 10^{-3})$, Newton jumps to the saddle $(0, 0)$ in one step and stays; gradient descent moves *away* from it along $y$ (it follows
$-\nabla f$, which points downhill in the negative-curvature direction). This is why second-order methods for deep learning
(saddle-free Newton, trust regions) replace $H$ by something positive definite — and one more reason (with notebook 17) why plain first-order methods work.
"""),
code(r"""
const saddleSurface = surfaces.saddle();
const saddleStart: Point = [-1.5, 1e-3];
const saddleNewton = newtonPath(saddleSurface, saddleStart, 50);
const saddleGd = await surfaces.trajectory(saddleSurface, () => new optim.SGD({ lr: 0.1 }), { start: saddleStart, steps: 50 });
const escapeFactor = (path: Point[]) => Math.abs(path[path.length - 1][1]) / Math.abs(path[0][1]);
const saddleRows = [
  { method: "Newton", "final point": saddleNewton.path[saddleNewton.path.length - 1].map((v) => v.toExponential(1)).join(", "), "|y_T| / |y_0|": escapeFactor(saddleNewton.path) },
  { method: "GD η = 0.1", "final point": saddleGd.path[saddleGd.path.length - 1].map((v) => v.toExponential(1)).join(", "), "|y_T| / |y_0|": escapeFactor(saddleGd.path) },
];
plot.table(saddleRows)
"""),
md(r"""
## 3. Preconditioning, and the adaptive methods as diagonal preconditioners

A **preconditioner** $P$ changes the step to $\theta \leftarrow \theta - \eta P\nabla f$. On a quadratic this is GD on a problem whose Hessian is $P^{1/2}HP^{1/2}$:
the rate is set by *its* condition number. $P = H^{-1}$ is Newton ($\kappa = 1$). A **diagonal** $P$ costs $O(n)$ — the only kind affordable for networks:

| method | diagonal preconditioner $P$ |
|---|---|
| Jacobi | $\operatorname{diag}(H)^{-1}$ |
| Adagrad | $\operatorname{diag}\big(\sum_{s\le t} g_s^2\big)^{-1/2}$ |
| RMSprop | $\operatorname{diag}(\sqrt{v_t} + \epsilon)^{-1}$, $v_t$ a moving average of $g^2$ |
| Adam | the same, applied to the momentum $\hat m_t$ |

A diagonal $P$ can rescale the axes but not rotate them. If the Hessian's eigenvectors are the coordinate axes it can make $\kappa = 1$; if they are rotated by 45°,
every diagonal entry of $H$ is the same average of the eigenvalues and the best diagonal $P$ is a multiple of $I$: no gain at all.
"""),
code(r"""
// Condition number of D^{-1/2} H D^{-1/2} with D = diag(H) (Jacobi), for an axis-aligned and a rotated quadratic.
function jacobiCondition(h: [[number, number], [number, number]]) {
  const s = [1 / Math.sqrt(h[0][0]), 1 / Math.sqrt(h[1][1])];
  const a = h[0][0] * s[0] * s[0], b = h[0][1] * s[0] * s[1], d = h[1][1] * s[1] * s[1];
  const mean = (a + d) / 2, spread = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  return (mean + spread) / (mean - spread);
}
const rotationKappa = 100;
const alignedSurface = surfaces.rotatedQuadratic({ condition: rotationKappa, angle: 0 });
// The library names every surface it builds "rotated quadratic", also at angle 0: the aligned one is named by its formula instead.
const coefficient = (x: number, y: number) => Number(alignedSurface.value(x, y).toPrecision(6));
const aligned = { ...alignedSurface, name: `quadratic ${coefficient(1, 0)}x² + ${coefficient(0, 1)}y²` };
const rotated = surfaces.rotatedQuadratic({ condition: rotationKappa, angle: Math.PI / 4 });
// The rotated problem starts from the rotated start point, so that it is exactly the aligned problem seen in turned axes.
const alignedStart: Point = [-8, -4];
const rotatedStart: Point = [Math.cos(Math.PI / 4) * alignedStart[0] - Math.sin(Math.PI / 4) * alignedStart[1], Math.sin(Math.PI / 4) * alignedStart[0] + Math.cos(Math.PI / 4) * alignedStart[1]];
const conditionRows = [
  { problem: "axis-aligned", "κ(H)": rotationKappa, "κ after Jacobi preconditioning": jacobiCondition(hessian(aligned, [0, 0])) },
  { problem: "rotated 45°", "κ(H)": rotationKappa, "κ after Jacobi preconditioning": jacobiCondition(hessian(rotated, [0, 0])) },
];
plot.table(conditionRows)
"""),
md(r"""
## 4. Measured: the same quadratic, aligned and rotated

Both problems have the eigenvalues $0.2$ and $0.2\kappa$ with $\kappa$ = `rotationKappa`; only the orientation differs (and the start point is rotated with the
problem, so the two runs of a rotation-invariant method are the same run in turned axes). Each optimizer runs `rotationSteps` steps at
each learning rate of `lrGrid` and keeps its best (fewest steps until $f/f_0 < 10^{-4}$): a fair, tuned comparison.
"""),
code(r"""
const rotationSteps = 250;
const lrGrid = [0.01, 0.03, 0.09, 0.3, 1, 3, 10];
const contenders: { [name: string]: (lr: number) => import("@tensorflow/tfjs").Optimizer } = {
  "GD": (lr) => new optim.SGD({ lr }),
  "momentum 0.9": (lr) => new optim.SGD({ lr, momentum: 0.9 }),
  "Adagrad": (lr) => new optim.Adagrad({ lr }),
  "RMSprop": (lr) => new optim.RMSprop({ lr }),
  "Adam": (lr) => new optim.Adam({ lr }),
  "Adam β₁ = 0.5": (lr) => new optim.Adam({ lr, betas: [0.5, 0.999] }),
};
const rotationStart = performance.now();
const rotationProgress = new train.Progress({ name: "lr grid", epochs: 1, stepsPerEpoch: 2 * Object.keys(contenders).length });
async function tunedSteps(surface: surfaces.Surface, start: Point, make: (lr: number) => import("@tensorflow/tfjs").Optimizer) {
  let best = { steps: Infinity, lr: NaN, path: [] as Point[] };
  for (const lr of lrGrid) {
    const run = await surfaces.trajectory(surface, () => make(lr), { start, steps: rotationSteps });
    const steps = firstHit(run.loss, 1e-4 * run.loss[0]);
    if (steps < best.steps) best = { steps, lr, path: run.path };
  }
  return best;
}
const rotationRows = [];
const rotationPaths: { aligned: { name: string; path: Point[] }[]; rotated: { name: string; path: Point[] }[] } = { aligned: [], rotated: [] };
let rotationDone = 0;
for (const [name, make] of Object.entries(contenders)) {
  const onAligned = await tunedSteps(aligned, alignedStart, make);
  rotationProgress.update({ epoch: 1, epochs: 1, step: ++rotationDone, stepsPerEpoch: 2 * Object.keys(contenders).length, samplesPerSecond: 0, elapsed: (performance.now() - rotationStart) / 1000 });
  const onRotated = await tunedSteps(rotated, rotatedStart, make);
  rotationProgress.update({ epoch: 1, epochs: 1, step: ++rotationDone, stepsPerEpoch: 2 * Object.keys(contenders).length, samplesPerSecond: 0, elapsed: (performance.now() - rotationStart) / 1000 });
  rotationRows.push({ optimizer: name, "aligned: steps": onAligned.steps, "aligned: best η": onAligned.lr, "rotated: steps": onRotated.steps, "rotated: best η": onRotated.lr, "rotation cost ×": onRotated.steps / onAligned.steps });
  rotationPaths.aligned.push({ name: `${name} η=${onAligned.lr}`, path: onAligned.path });
  rotationPaths.rotated.push({ name: `${name} η=${onRotated.lr}`, path: onRotated.path });
}
rotationProgress.finish();
plot.table(rotationRows)
"""),
code(r"""
const shown = (r: { name: string }) => /^(GD|RMSprop|Adam η)/.test(r.name);
display(plot.trajectories(aligned, rotationPaths.aligned.filter(shown), { title: `Axis-aligned quadratic, κ = ${rotationKappa}: tuned GD, RMSprop, Adam` }));
display(plot.trajectories(rotated, rotationPaths.rotated.filter(shown), { title: `The same quadratic rotated by 45°` }));
/** How often the path's component along the stiff eigenvector of `surface` (minimum at the origin) changes sign over its first `steps` steps. */
function stiffSignChanges(surface: surfaces.Surface, path: Point[], steps = 40) {
  const [[a, b], [, c]] = hessian(surface, [0, 0]);
  const top = (a + c) / 2 + Math.hypot((a - c) / 2, b);
  const v: Point = Math.abs(b) > 1e-3 * top ? [b, top - a] : a >= c ? [1, 0] : [0, 1];
  const along = path.slice(0, steps + 1).map(([x, y]) => x * v[0] + y * v[1]);
  return along.slice(1).filter((u, i) => Math.sign(u) !== Math.sign(along[i])).length;
}
const signSteps = 40;
const pathRows = (["aligned", "rotated"] as const).flatMap((problem) => ["GD", "RMSprop"].map((name) => {
  const lr = rotationRows.find((r) => r.optimizer === name)![`${problem}: best η`];
  const { path } = rotationPaths[problem].find((r) => r.name === `${name} η=${lr}`)!;
  return { problem: problem === "aligned" ? "axis-aligned" : "rotated 45°", run: `${name} η=${lr}`,
    "first step, largest coordinate move / η": Math.max(Math.abs(path[1][0] - path[0][0]), Math.abs(path[1][1] - path[0][1])) / lr,
    [`sign changes along the stiff direction, steps 1–${signSteps}`]: stiffSignChanges(problem === "aligned" ? aligned : rotated, path, signSteps) };
}));
plot.table(pathRows, { digits: 3 })
"""),
md(r"""
GD and momentum take the same number of steps on both problems — they are rotation-invariant — while Adagrad and RMSprop, the pure diagonal preconditioners,
lose the printed factor when the problem is rotated (§5 checks both: ×1 within 0.05 for GD and momentum, with RMSprop and Adam as controls; ≥ 2× for Adagrad,
RMSprop and Adam with $\beta_1 = 0.5$, with GD and momentum as controls). Adam with its default $\beta_1 = 0.9$ loses less (printed): at the large learning rates that win this race its
steps are dominated by the momentum average; with $\beta_1 = 0.5$ (less momentum, more preconditioning) it is fast on the aligned problem and loses the larger
printed factor. The figures and the table under them show what RMSprop's step counts mean. On the aligned problem its first step throws it far past the
minimum: without bias correction that step is $\eta/\sqrt{1-\alpha} = 10\,\eta$ per coordinate (notebook 02, §5); from there each coordinate's own scale brings
it to the tolerance in the few steps the first table prints. On the rotated problem it crosses the valley far less often than GD (sign changes along the stiff
direction, printed), yet needs many times more steps than on the aligned one: a per-coordinate scale cannot single out a stiff direction that lies across both
axes. Real loss surfaces are neither fully aligned nor fully rotated,
which is why Adam usually helps — but not always, and never by undoing the curvature like Newton.

> **The articles say:** article 3, §3: 原文「通过维护每个参数的均值和方差，从而自适应地调整学习率」 — Adam "adaptively adjusts the learning rate" by keeping each
> parameter's "mean and variance"; article 4, §3.3: 原文「并且自动地学习并更新学习率」 — Adam "automatically learns and updates the learning rate".
>
> **What actually happens:** Adam divides each coordinate of the step by a running RMS of its gradient — a fixed rule, nothing is learned. It is a diagonal
> preconditioner: it fixes badly scaled *coordinates*, not ill-conditioning along rotated directions (rotation cost above).

## 5. Assertions (each with its negative control)
"""),
code(r"""
check("steps to f/f₀ < 1e-8 do not depend on κ", (r: number[]) => r[0] === r[1], (r) => `steps at κ = ${newtonKappas.join(", ")}: ${r.join(", ")}`,
  ["Newton", quadraticRows.map((r) => r["Newton: steps to f/f₀ < 1e-8"])], ["GD at its best η", quadraticRows.map((r) => r["GD at η*: steps"])]);
check("reaches f < 1e-10 on Rosenbrock within 20 steps", (loss: number[]) => firstHit(loss, 1e-10) <= 20, (loss) => `f after 20 steps ${loss[Math.min(20, loss.length - 1)].toExponential(1)}`,
  ["Newton", bananaNewton.loss], [`tuned GD (${bananaGd.name})`, bananaGd.loss]);
check("Newton on √(1+x²) converges (|x| < 1e-6 after 8 steps)", (xs: number[]) => Math.abs(xs[xs.length - 1]) < 1e-6, (xs) => `|x| = ${Math.abs(xs[xs.length - 1]).toExponential(1)}`,
  ["x₀ = 0.9", newtonFrom09], ["x₀ = 1.1", newtonFrom11]);
check("moves away from the saddle (|y| grows ≥ 100×)", (factor: number) => factor >= 100, (f) => `|y_T|/|y_0| = ${f.toExponential(1)}`,
  ["GD", escapeFactor(saddleGd.path)], ["Newton", escapeFactor(saddleNewton.path)]);
check("Jacobi preconditioning brings κ to 1 (within 1e-6)", (k: number) => Math.abs(k - 1) < 1e-6, (k) => `κ = ${k.toFixed(4)}`,
  ["axis-aligned", conditionRows[0]["κ after Jacobi preconditioning"]], ["rotated 45°", conditionRows[1]["κ after Jacobi preconditioning"]]);
const rowOf = (name: string) => rotationRows.find((r) => r.optimizer === name)!;
type RotationRow = { "rotation cost ×": number };
const costsTwice = (r: RotationRow) => r["rotation cost ×"] >= 2;
const sameSteps = (r: RotationRow) => Math.abs(r["rotation cost ×"] - 1) <= 0.05;
const showCost = (r: RotationRow) => `×${r["rotation cost ×"].toFixed(2)}`;
// Each diagonal preconditioner against the rotation-invariant method it reduces to without its preconditioner (Adagrad → GD, RMSprop and Adam → momentum).
check("rotating the problem costs ≥ 2× more steps", costsTwice, showCost, ["RMSprop (diagonal preconditioner)", rowOf("RMSprop")], ["momentum 0.9 (rotation-invariant)", rowOf("momentum 0.9")]);
check("rotating the problem costs ≥ 2× more steps", costsTwice, showCost, ["Adagrad (diagonal preconditioner)", rowOf("Adagrad")], ["GD (rotation-invariant)", rowOf("GD")]);
check("rotating the problem costs ≥ 2× more steps", costsTwice, showCost, ["Adam β₁ = 0.5 (diagonal preconditioner)", rowOf("Adam β₁ = 0.5")], ["momentum 0.9 (rotation-invariant)", rowOf("momentum 0.9")]);
// Rotation-invariant methods take the same steps on both problems; the controls are diagonal preconditioners, the closest one (Adam, the least rotation-sensitive) included.
check("the same steps on both problems (rotation cost ×1 within 0.05)", sameSteps, showCost, ["GD", rowOf("GD")], ["RMSprop (diagonal preconditioner)", rowOf("RMSprop")]);
check("the same steps on both problems (rotation cost ×1 within 0.05)", sameSteps, showCost, ["momentum 0.9", rowOf("momentum 0.9")], ["Adam (β₁ = 0.9)", rowOf("Adam")]);
const signChangesOf = (name: string) => pathRows.find((r) => r.problem === "rotated 45°" && r.run.startsWith(`${name} η=`))![`sign changes along the stiff direction, steps 1–${signSteps}`];
check(`on the rotated problem, crosses the valley (changes sign along the stiff direction) on fewer than half of steps 1–${signSteps}`, (n: number) => n < signSteps / 2, (n) => `${n}/${signSteps}`,
  ["RMSprop", signChangesOf("RMSprop")], ["GD", signChangesOf("GD")]);
plot.table(checks)
"""),
code(r"""
const notebookSeconds = (performance.now() - notebookStart) / 1000;
`notebook ran in ${notebookSeconds.toFixed(1)} s (kernel start not included)`
"""),
md(r"""
## Summary

- Newton's step $-H^{-1}\nabla f$ removes the condition number: one step on any quadratic, a few near a minimum of a smooth function.
- It needs damping far from a minimum, is attracted to saddle points, and costs $O(n^2)$ memory: not usable as is for networks.
- Preconditioning = GD on $P^{1/2}HP^{1/2}$. Adagrad, RMSprop and Adam are diagonal preconditioners built from gradient statistics: they fix per-coordinate
  scale, not rotated ill-conditioning, and they learn no learning rate.

**Exercises**

1. Change the angle of `rotated` to π/8. How does Adam's rotation cost change?
2. Add `optim.Adadelta` and `optim.NAdam` to `contenders`. Which are rotation-invariant?
3. Use damping 0.5 in `newtonPath` on Rosenbrock. How many more steps does it need? From which points of `surfaces.himmelblau()` does undamped Newton go to a saddle or a maximum?
"""),
]

write("notebooks/15-newton-and-preconditioning.ipynb", "15", cells)
