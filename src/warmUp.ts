/**
 * Warms the training path before the first real epoch (#19 cold start): a short `train.fit` of a
 * throwaway MLP through the same code as `models.mlp` + `losses.crossEntropy` + `optim.Adam`.
 *
 * Why: a fresh process's first epoch is slower than later ones mostly because V8 has not yet
 * optimised the JavaScript that runs every step (tfjs-core's engine and tape, optimlab's backend
 * kernels' wrappers, fit, Adam; a CPU profile puts most of the extra there, not in wasm), and
 * because the first step generates and compiles the product modules for its shapes. Running about
 * an epoch's worth of steps ahead (192, or 288 where fit splits the step over threads; 32 left half
 * the extra in place) moves that cost out of the first epoch. It does not remove it: the warm-up
 * costs more than it saves, so it pays only where it runs in otherwise idle time — the Jupyter
 * kernel calls it while it starts and stops it when a cell arrives (docs/performance.md, "Cold
 * start").
 *
 * It leaves no trace a user can see: explicit seeds (the global `seed(n)` stream is not drawn
 * from), explicit layer names (tf.layers' name counters, which number a user's `dense_Dense1`, are
 * not advanced), every tensor and variable disposed. Lives in src/ (not src/backend) because it
 * runs models, losses, optim and train, which the backend may not import.
 */
import * as tf from "@tensorflow/tfjs";
import { ready, type BackendName } from "./backend";
import { fitThreads } from "./backend/fitThreads";
import { crossEntropy } from "./losses";
import { fusedDense } from "./models/fusedDense";
import { initializer } from "./models/initializers";
import { Adam } from "./optim";
import { fit } from "./train";
import { startReplicaThreads } from "./train/replicaPool";
import { STEPS_TO_FIRST_CHOICE } from "./train/unitSplitPolicy";

export interface WarmUpOptions {
  /** Layer widths (default [784, 128, 10]: the MLP most notebooks train, so its product modules are ready). */
  sizes?: number[];
  /**
   * Training steps (default 192: V8 needs about an epoch's worth of steps to optimise the step's
   * code; where `fit` splits this MLP over threads, 288: until the split's together-or-alone policy
   * has made its first choice, which a first real fit would otherwise spend 16 steps, 8 of them
   * alone, measuring).
   */
  steps?: number;
  /**
   * Steps of the same training on the gradient tape (`gradients: "tape"`), after `steps` (default
   * 128): `fit`'s path for everything its direct dense-stack gradients do not cover (dropout, a
   * regularizer, another loss), whose code would otherwise still be cold in the first such cell.
   */
  tapeSteps?: number;
  /** Batch size (default 64, the notebooks' usual). */
  batchSize?: number;
  /**
   * Asked every {@link WARM_UP_CHUNK} steps, after yielding to the event loop: true stops the
   * warm-up there (the kernel stops it when a cell arrives, so a cell waits for one chunk at most).
   */
  shouldStop?: () => boolean;
  /**
   * Awaited after each {@link WARM_UP_CHUNK} steps, before `shouldStop`: the Jupyter kernel answers
   * the requests that arrived meanwhile there (kernel_info, completions), so they wait one chunk.
   */
  betweenChunks?: () => Promise<void>;
}

export interface WarmUpReport {
  /** Steps run, both paths (fewer than asked when `shouldStop` stopped it). */
  steps: number;
  /** Wall time, ms. */
  ms: number;
  /** CPU time of the whole process during the warm-up, ms. */
  cpuMs: number;
  /** When it ended (`Date.now()`): whether a request sent at a known time found it still running. */
  endedAt: number;
  /** Replica threads started for `fit`'s batch split (`OPTIMLAB_THREADS` > 1), else 0. */
  replicaThreads: number;
}

let last: WarmUpReport | undefined;

/** The report of the last {@link warmUp} in this process (undefined if none ran): what the kernel's warm-up cost. */
export function lastWarmUp(): WarmUpReport | undefined {
  return last;
}

/** Seeds of the warm-up's own weights and data: fixed, never drawn from the global stream. */
const WARM_UP_SEED = 0x5eed;
/** Default steps on `fit`'s direct gradients, then on the tape: about an epoch's worth each. */
export const WARM_UP_STEPS = 192;
export const WARM_UP_TAPE_STEPS = 128;
/** Steps per epoch of the warm-up: between epochs it yields and asks `shouldStop`. */
export const WARM_UP_CHUNK = 16;

/**
 * The default steps on `fit`'s direct gradients with `threads` training threads: {@link WARM_UP_STEPS},
 * or on more than one thread (where the warm-up's MLP trains split by hidden units) enough whole
 * chunks for the split's policy to make its first choice (unitSplitPolicy.ts).
 */
export function warmUpSteps(threads: number): number {
  if (threads < 2) return WARM_UP_STEPS;
  return Math.max(WARM_UP_STEPS, Math.ceil(STEPS_TO_FIRST_CHOICE / WARM_UP_CHUNK) * WARM_UP_CHUNK);
}

/** A throwaway `models.mlp`-shaped network whose layers are named, so no name counter moves. */
function warmUpModel(sizes: number[]): tf.Sequential {
  const layers = sizes.slice(1).map((units, i) =>
    fusedDense(
      {
        name: `optimlab_warm_up_dense_${i + 1}`,
        units,
        inputShape: i === 0 ? [sizes[0]] : undefined,
        kernelInitializer: initializer("he", WARM_UP_SEED + i),
        biasInitializer: "zeros",
      },
      i < sizes.length - 2 ? "relu" : "linear",
    ),
  );
  return tf.sequential({ name: "optimlab_warm_up", layers });
}

/**
 * Trains a throwaway MLP for `steps` steps on `fit`'s direct gradients, then `tapeSteps` on the
 * tape (epochs of {@link WARM_UP_CHUNK} steps, or of the larger phase's steps if fewer, over random
 * samples; each phase rounded up to whole epochs) on the active backend, after {@link ready}. Leaves the global seed stream, layer names
 * and tensor count as they were; results of later training are bit-identical with or without it
 * (test).
 */
export async function warmUp(options: WarmUpOptions = {}): Promise<WarmUpReport> {
  const sizes = options.sizes ?? [784, 128, 10];
  const batchSize = options.batchSize ?? 64;
  await ready();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // fit's replica threads (OPTIMLAB_THREADS > 1: the batch split runs only when asked for) start
  // meanwhile, on the other cores; the hidden-unit split's start with the warm-up's own fit.
  const { threads, asked } = fitThreads(process.env.OPTIMLAB_THREADS, false);
  const replicas =
    asked && threads > 1 ? startReplicaThreads(threads - 1, tf.getBackend() as BackendName) : Promise.resolve(0);
  const phases: Array<[steps: number, gradients: "auto" | "tape"]> = [
    // fit's own threads for this MLP (its default: the cores, split by hidden units).
    [options.steps ?? warmUpSteps(fitThreads(process.env.OPTIMLAB_THREADS).threads), "auto"],
    [options.tapeSteps ?? WARM_UP_TAPE_STEPS, "tape"],
  ];
  const chunk = Math.min(WARM_UP_CHUNK, Math.max(...phases.map(([steps]) => steps)));
  const count = chunk * batchSize;
  const model = warmUpModel(sizes);
  const x = tf.randomUniform([count, sizes[0]], 0, 1, "float32", WARM_UP_SEED);
  const y = tf.randomUniform([count], 0, sizes[sizes.length - 1], "int32", WARM_UP_SEED + 1);
  const optimizer = new Adam({ lr: 1e-3 });
  let done = 0;
  let stopped = false;
  try {
    for (const [steps, gradients] of phases) {
      if (stopped || steps <= 0) continue;
      await fit(model, {
        optimizer,
        loss: crossEntropy,
        train: { x, y },
        epochs: Math.ceil(steps / chunk),
        batchSize,
        progress: false,
        seed: WARM_UP_SEED,
        gradients,
        // fit's own threads: by default this MLP's step splits by hidden units, so the warm-up starts
        // and warms the split's threads (their code and this shape's policy) as the first fit would.
        threads: undefined,
        callbacks: {
          onEpochEnd: async (_record, context) => {
            done += chunk;
            // Let waiting I/O (a kernel's incoming cell) run before asking whether to go on.
            await new Promise((resolve) => setImmediate(resolve));
            await options.betweenChunks?.();
            if (options.shouldStop?.()) {
              stopped = true;
              context.stop();
            }
          },
        },
      });
    }
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  }
  const replicaThreads = await replicas;
  const cpu = process.cpuUsage(cpu0);
  last = {
    steps: done,
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    endedAt: Date.now(),
    replicaThreads,
  };
  return last;
}
