/**
 * The threads `train.fit` trains on when its `threads` option is not given. `OPTIMLAB_THREADS`, when
 * set, asks for a count (or `auto`, the free cores): every split may then run — by hidden units
 * (the same bits as one thread) or by batch (train/dataParallel.ts: not the same bits). Unset, the
 * default is the cores (at most 8; on the wasm backend with SIMD) for the hidden-unit split alone: it gives one thread's bits, so
 * turning it on changes no number, and its policy (train/unitSplitPolicy.ts) runs each step on one
 * thread while the other cores turn out busy (timed, not guessed from the load average, which
 * counts this process's own training). The batch split runs only when asked for.
 */
import os from "node:os";
import { MAX_WASM_THREADS, chooseThreadCount, invalidThreadsMessage } from "./wasmThreads";

export interface FitThreads {
  readonly threads: number;
  /** Whether OPTIMLAB_THREADS asked for them (else the default: the hidden-unit split only). */
  readonly asked: boolean;
  /** Why the setting was not taken as given. */
  readonly note?: string;
}

/**
 * Fit's threads from `setting` (OPTIMLAB_THREADS). `splits`: whether the hidden-unit split can run
 * on the active backend (wasm with SIMD): elsewhere the default is one thread.
 */
export function fitThreads(
  setting: string | undefined = process.env.OPTIMLAB_THREADS,
  splits = true,
  cores: number = os.availableParallelism(),
  load: number = os.loadavg()[0],
): FitThreads {
  const value = setting?.trim();
  const fallback = splits ? Math.max(1, Math.min(MAX_WASM_THREADS, cores)) : 1;
  if (!value) return { threads: fallback, asked: false };
  const choice = chooseThreadCount(value, cores, load);
  if (choice.note === invalidThreadsMessage(value)) return { threads: fallback, asked: false, note: choice.note };
  return { threads: choice.threads, asked: true, ...(choice.note ? { note: choice.note } : {}) };
}

/** What `backend.info().reason` says about fit's threads (nothing for one). */
export function fitThreadsReason({ threads, asked }: FitThreads): string | undefined {
  if (threads === 1) return undefined;
  return asked
    ? `train.fit: ${threads} threads (a two-layer MLP's step split by hidden units, other models' batches split)`
    : `train.fit: up to ${threads} threads by default where a step splits by hidden units (the same bits as one thread; OPTIMLAB_THREADS=1 for one)`;
}
