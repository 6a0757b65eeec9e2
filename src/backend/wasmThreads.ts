/**
 * Multi-threaded WebAssembly in Node: starts tfjs-backend-wasm's threaded SIMD build, which tfjs's
 * own loader cannot do in Node — it reports no thread support there (tfjs issue #3830), and its
 * Emscripten workers would start from a `blob:` URL that Node's Worker rejects (ERR_WORKER_PATH).
 * Here the workers start from a file (pthreadWorker.ts) and the build's JavaScript is loaded from
 * the package by path, then wrapped in tfjs's own `BackendWasm` class.
 *
 * XNNPACK (tfjs's matmul, convolution) then splits each product over the threads by output tiles,
 * and our own SIMD product by chunks of rows (wasmCode/gemmThreads.ts), each computing whole dot
 * products, so results are bit-identical to one thread (test/backend/threads.test.ts). Threads
 * cost a start-up (~0.6 s of `ready()` here) and CPU (XNNPACK's pool spins after each op: about
 * twice the process CPU per MLP epoch), and have not beaten one thread on a whole training step on
 * this project's 2-core reference machine (docs/performance.md "Threads"): the default is 1 thread.
 * `OPTIMLAB_WASM_THREADS=n` asks for n, `OPTIMLAB_WASM_THREADS=auto` for the free cores (cores − load
 * average, rounded). (`OPTIMLAB_THREADS` is the threads `train.fit` splits its batches over, each
 * with the single-threaded build: train/dataParallel.ts.)
 *
 * No orphans: Emscripten keeps a running thread's worker referenced, which would keep Node alive
 * forever (XNNPACK's pool never exits); they are unreferenced once started, so a script ends when
 * its own work does and Node stops the threads with it.
 */
// The default import is node:os itself (not a copy of its properties): the pool size is patched on it.
import os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

/** tfjs's thread pool holds 8 workers (PTHREAD_POOL_SIZE) and backend.cc caps threads at 8. */
export const MAX_WASM_THREADS = 8;

export interface ThreadChoice {
  threads: number;
  /** Why a setting was not taken as given, for `backend.info().reason`. */
  note?: string;
}

/** The variable that sets `train.fit`'s threads; the wasm build's is OPTIMLAB_WASM_THREADS. */
const FIT_THREADS_VARIABLE = "OPTIMLAB_THREADS";

export function invalidThreadsMessage(value: string, variable: string = FIT_THREADS_VARIABLE): string {
  return `${variable}=${value} ignored (expected "auto" or a whole number from 1 to ${MAX_WASM_THREADS})`;
}

export function cappedThreadsMessage(requested: number, variable: string = FIT_THREADS_VARIABLE): string {
  return `${variable}=${requested} capped at ${MAX_WASM_THREADS}`;
}

/**
 * How many threads a setting asks for (`variable`'s value: OPTIMLAB_THREADS for `train.fit`,
 * OPTIMLAB_WASM_THREADS for the wasm build): a whole number ≥ 1 as given; `auto`, the cores that
 * are free (available cores minus the 1-minute load average, rounded), at least 1 and at most
 * {@link MAX_WASM_THREADS}; otherwise 1 (see the file header for why).
 */
export function chooseThreadCount(
  setting: string | undefined,
  cores: number = os.availableParallelism(),
  load: number = os.loadavg()[0],
  variable: string = FIT_THREADS_VARIABLE,
): ThreadChoice {
  const value = setting?.trim();
  let note: string | undefined;
  if (value) {
    const requested = Number(value);
    if (Number.isInteger(requested) && requested >= 1) {
      if (requested > MAX_WASM_THREADS)
        return { threads: MAX_WASM_THREADS, note: cappedThreadsMessage(requested, variable) };
      return { threads: requested };
    }
    if (value.toLowerCase() === "auto") {
      const free = Math.round(cores - load);
      return { threads: Math.min(MAX_WASM_THREADS, Math.max(1, free)) };
    }
    note = invalidThreadsMessage(value, variable);
  }
  return { threads: 1, ...(note ? { note } : {}) };
}

/** The parts of Emscripten's worker bookkeeping used here (Node `Worker`s). */
interface PThreads {
  unusedWorkers: Array<{ terminate(): unknown }>;
  runningWorkers: Array<{ unref(): void; terminate(): unknown }>;
  terminateAllThreads?(): void;
}

/** The Emscripten module of the threaded build, as tfjs's `BackendWasm` expects it. */
interface ThreadedModule {
  PThread: PThreads;
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number>;
}

interface FactoryConfig {
  locateFile(file: string): string;
  mainScriptUrlOrBlob: string;
  preInit: Array<() => void>;
  preRun: Array<() => void>;
  /** Set by the factory on the config object, which becomes the module. */
  PThread?: PThreads;
}

type Factory = (config: FactoryConfig) => Promise<ThreadedModule>;

/** What this file needs of the tfjs-backend-wasm package. */
export interface WasmPackage {
  BackendWasm: new (module: never) => tf.KernelBackend;
  setThreadsCount(threads: number): void;
}

const BUILD = "tfjs-backend-wasm-threaded-simd";

let sourceEntry: string | undefined;

/**
 * The worker script: the compiled pthreadWorker.js. Running from the sources (tsx, the unit
 * tests), Node would load a `.ts` entry through its ESM loader, which rejects the extension (tsx's
 * hooks do not reach workers): a one-line `.js` entry in a private temporary folder, removed at
 * exit, `require`s the source instead (CommonJS loads any extension as JavaScript).
 */
function workerScript(): string {
  if (__filename.endsWith(".js")) return path.join(__dirname, "pthreadWorker.js");
  if (sourceEntry === undefined) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-threads-"));
    process.once("exit", () => fs.rmSync(folder, { recursive: true, force: true }));
    sourceEntry = path.join(folder, "pthreadWorker.js");
    fs.writeFileSync(sourceEntry, `require(${JSON.stringify(path.join(__dirname, "pthreadWorker.ts"))});\n`);
  }
  return sourceEntry;
}

/**
 * A started threaded wasm backend with `threads` threads (the calling thread and threads − 1
 * workers). Rejects, with every worker stopped, where the build cannot start.
 */
export async function createThreadedWasmBackend(pkg: WasmPackage, threads: number): Promise<tf.KernelBackend> {
  const script = require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.js`);
  const directory = path.dirname(script);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build is a CommonJS file loaded by path
  const factory = require(script) as Factory;
  const config: FactoryConfig = {
    locateFile: (file) => (file.endsWith(".worker.js") ? workerScript() : path.join(directory, file)),
    // The workers load the build's JavaScript from here (tfjs passes a Blob, unusable in Node).
    mainScriptUrlOrBlob: script,
    // The build starts 8 workers up front; keep the threads − 1 that the pool will use (each one
    // is a Node isolate: ~60 ms of CPU to start).
    preInit: [
      () => {
        for (const worker of config.PThread?.unusedWorkers.splice(threads - 1) ?? []) void worker.terminate();
      },
    ],
    // backend.cc caps the pool at half the logical cores (it assumes hyper-threads), read once by
    // the module's constructors right after preRun: report 2 × threads for that one read.
    preRun: [
      () => {
        const patched = os as { cpus: typeof os.cpus };
        const cpus = os.cpus;
        patched.cpus = () => {
          patched.cpus = cpus;
          return new Array<os.CpuInfo>(2 * threads).fill(cpus()[0]);
        };
      },
    ],
  };
  let module: ThreadedModule;
  try {
    module = await factory(config);
  } catch (error) {
    stopWorkers(config.PThread);
    throw error;
  }
  const n = "number";
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, [n]),
    getThreadsCount: module.cwrap("get_threads_count", n, []),
    registerTensor: module.cwrap("register_tensor", null, [n, n, n]),
    disposeData: module.cwrap("dispose_data", null, [n]),
    dispose: module.cwrap("dispose", null, []),
  };
  pkg.setThreadsCount(threads);
  const backend = new pkg.BackendWasm(module as never);
  // XNNPACK's pool threads run for the life of the process: let Node exit without waiting for them.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}

function stopWorkers(pthreads: PThreads | undefined): void {
  if (pthreads === undefined) return;
  for (const worker of [...pthreads.unusedWorkers, ...pthreads.runningWorkers]) void worker.terminate();
  pthreads.unusedWorkers.length = 0;
  pthreads.runningWorkers.length = 0;
}

export function threadedWasmFailedMessage(threads: number, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return `the threaded wasm build did not start with ${threads} threads (${why.split("\n")[0]}); using 1 thread`;
}

/**
 * Makes the next initialisation of tfjs's "wasm" backend start the threaded build with `threads`
 * threads, falling back to tfjs's own (single-threaded) factory, with `onFallback(reason)`, where
 * it cannot start. Call only before "wasm" is initialised.
 */
export function preferThreadedWasm(pkg: WasmPackage, threads: number, onFallback: (reason: string) => void): void {
  const stock = tf.findBackendFactory("wasm");
  if (stock === null || stock === undefined) return;
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      try {
        return await createThreadedWasmBackend(pkg, threads);
      } catch (error) {
        onFallback(threadedWasmFailedMessage(threads, error));
        return stock();
      }
    },
    2,
  );
}
