/**
 * The replica threads of `fit`'s batch split (dataParallel.ts), kept for later fits: starting one
 * loads tfjs and the backend again (≈ 0.4 s). A fit reserves the threads it uses until it releases
 * them, so fits that run at the same time never share one.
 */
import type { BackendName } from "../backend";
import { ReplicaThread } from "./replicaThread";

/** Started replica threads, kept for later fits. */
const pool: ReplicaThread[] = [];

/**
 * `count` threads on `backend` that no fit holds: kept ones first, new ones started as needed
 * (fits that run at the same time, e.g. under `Promise.all`, each get their own).
 */
export async function replicaThreads(count: number, backend: BackendName): Promise<ReplicaThread[]> {
  for (let i = pool.length - 1; i >= 0; i--) if (!pool[i].alive) pool.splice(i, 1);
  const free = pool.filter((thread) => thread.backend === backend && !thread.busy).slice(0, count);
  free.forEach((thread) => thread.reserve());
  try {
    while (free.length < count) {
      const thread = await ReplicaThread.start(backend);
      thread.reserve();
      pool.push(thread);
      free.push(thread);
    }
  } catch (error) {
    for (const thread of free) thread.release();
    throw error;
  }
  return free;
}

/**
 * Starts replica threads on `backend` until `count` wait unused, without waiting for a fit (the
 * kernel's warm-up: the first split fit then skips the thread's start, ≈ 0.4 s); returns how many
 * were started.
 */
export async function startReplicaThreads(count: number, backend: BackendName): Promise<number> {
  const before = pool.filter((thread) => thread.alive).length;
  const threads = await replicaThreads(count, backend);
  for (const thread of threads) thread.release();
  return pool.length - before;
}

/** Ends the kept replica threads (tests, and a kernel that wants its threads back). */
export async function stopReplicaThreads(): Promise<void> {
  await Promise.all(pool.splice(0).map((thread) => thread.stop()));
}
