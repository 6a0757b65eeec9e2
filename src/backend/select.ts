/**
 * Picks the fastest TensorFlow.js backend that loads here: native tfjs-node, else WebAssembly,
 * else the pure-JS cpu backend. Optional backends that are missing or broken are skipped with
 * a reason, never a crash.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { removeEmscriptenListeners } from "./emscriptenListeners";
import { installWasmKernels } from "./wasmKernels";
import { setGemmThreads } from "./wasmCode/gemmThreads";
import { fitThreads, fitThreadsReason } from "./fitThreads";
import { chooseThreadCount, preferThreadedWasm } from "./wasmThreads";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** Which backend runs the numbers, and why it was chosen. */
export interface BackendInfo {
  name: BackendName;
  /** One sentence, e.g. "tfjs-node not installed; using wasm (SIMD, 1 thread)". */
  reason: string;
  /** Only for wasm: whether the SIMD build is used. */
  simd?: boolean;
  /**
   * Threads `train.fit` trains on by default: `OPTIMLAB_THREADS` (a two-layer MLP's step split by
   * hidden units, other models' batches split: train/dataParallel.ts), else the cores, at most 8,
   * for the hidden-unit split alone (the same bits as one thread; backend/fitThreads.ts).
   */
  threads?: number;
  /**
   * Only for wasm: threads of the wasm build itself (`OPTIMLAB_WASM_THREADS`; XNNPACK's products and
   * convolutions and our large SIMD products use them; 1 = the single-threaded build).
   */
  wasmThreads?: number;
}

/** How modules are loaded; tests pass a loader that fails to simulate a missing package. */
export type ModuleLoader = (id: string) => unknown;

export function unknownBackendMessage(name: string): string {
  return `Unknown backend "${name}": expected one of ${BACKEND_NAMES.join(", ")}`;
}

export function backendUnavailableMessage(name: BackendName, why: string): string {
  return `Backend "${name}" is not available: ${why}`;
}

type Attempt = { ok: true; info: BackendInfo } | { ok: false; why: string };

function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "MODULE_NOT_FOUND") return "not installed";
  const message = error instanceof Error ? error.message : String(error);
  return `failed to load (${message.split("\n")[0]})`;
}

async function tryTensorflow(load: ModuleLoader): Promise<Attempt> {
  try {
    load("@tensorflow/tfjs-node");
  } catch (error) {
    return { ok: false, why: `tfjs-node ${describeError(error)}` };
  }
  // tfjs-node registers "tensorflow" only on the tfjs-core copy it shares with us.
  if (!(await setAndWait("tensorflow"))) {
    return {
      ok: false,
      why: "tfjs-node loaded but did not register with this @tensorflow/tfjs (duplicate tfjs-core?)",
    };
  }
  return { ok: true, info: { name: "tensorflow", reason: "using tfjs-node (native TensorFlow)" } };
}

async function tryWasm(load: ModuleLoader): Promise<Attempt> {
  let wasm: typeof import("@tensorflow/tfjs-backend-wasm");
  let distDir: string;
  try {
    wasm = load("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    // In Node the .wasm files must be found on disk: point at the package's dist folder.
    distDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep;
  } catch (error) {
    return { ok: false, why: `tfjs-backend-wasm ${describeError(error)}` };
  }
  try {
    wasm.setWasmPaths(distDir);
  } catch {
    // setWasmPaths throws once the backend was initialised (e.g. a second `use("wasm")`): paths are already set.
  }
  const notes: string[] = [];
  // The build (threaded or not) is chosen once, when the backend is first initialised.
  if (tf.engine().registry.wasm === undefined && (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true) {
    const choice = chooseThreadCount(process.env.OPTIMLAB_WASM_THREADS, undefined, undefined, "OPTIMLAB_WASM_THREADS");
    if (choice.note !== undefined) notes.push(choice.note);
    if (choice.threads > 1) preferThreadedWasm(wasm, choice.threads, (reason) => notes.push(reason));
  }
  const started = await setAndWait("wasm");
  removeEmscriptenListeners(); // both builds add them while they start (emscriptenListeners.ts)
  if (!started) return { ok: false, why: "the wasm backend failed to initialise" };
  installWasmKernels();
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const wasmThreads = wasm.getThreadsCount();
  // Our SIMD product split over the same threads (docs/performance.md, "Threads").
  const productThreads = gemmThreadCount(wasmThreads, process.env.OPTIMLAB_GEMM_THREADS);
  setGemmThreads(productThreads);
  const split = productThreads > 1 ? "; products split over the threads" : "";
  const summary = `using wasm (${simd ? "SIMD" : "no SIMD"}, ${wasmThreads} thread${wasmThreads === 1 ? "" : "s"}${split})`;
  return { ok: true, info: { name: "wasm", simd, wasmThreads, reason: [...notes, summary].join("; ") } };
}

/**
 * How many threads share our large SIMD products: all the wasm threads, unless
 * `OPTIMLAB_GEMM_THREADS=0` keeps them on the calling thread.
 */
export function gemmThreadCount(wasmThreads: number, setting: string | undefined): number {
  return setting?.trim() === "0" ? 1 : wasmThreads;
}

/**
 * Activates `name` without a window in which tensor ops fail.
 *
 * Why not just `tf.setBackend`: for a backend with async initialisation (wasm), tfjs marks it
 * active at once and throws "Backend 'wasm' has not yet been initialized" on any op until init
 * ends, so a notebook that builds data right after `import "optimlab"` would crash. We initialise
 * the backend instance first, off to the side, then register it with a synchronous factory and
 * switch in one synchronous step. Tensors made on the old backend move over on first use.
 */
async function setAndWait(name: BackendName): Promise<boolean> {
  try {
    // Not tf.findBackend: for an uninitialised async backend it starts init and blocks all ops.
    const initialised = () => tf.engine().registry[name] !== undefined;
    if (!initialised()) {
      const factory = tf.findBackendFactory(name);
      if (!factory) return false;
      const instance = await factory();
      if (!initialised()) {
        tf.removeBackend(name);
        tf.registerBackend(name, () => instance, BACKEND_PRIORITY[name]);
      }
    }
    if (!(await tf.setBackend(name))) return false;
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Silences the cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js…" banner,
 * printed on its first tensor: in a notebook it lands in a cell's output. optimlab says the same
 * thing in `backend.info().reason` and docs/training.md (how to install tfjs-node).
 */
export function quietCpuBanner(): void {
  const cpu = tf.engine().registry.cpu as unknown as { firstUse?: boolean } | undefined;
  if (cpu && typeof cpu.firstUse === "boolean") cpu.firstUse = false;
}

/** tfjs's own priorities (used when re-registering an initialised backend). */
const BACKEND_PRIORITY: { [name in BackendName]: number } = { tensorflow: 3, wasm: 2, cpu: 1 };

async function tryBackend(name: BackendName, load: ModuleLoader): Promise<Attempt> {
  if (name === "tensorflow") return tryTensorflow(load);
  if (name === "wasm") return tryWasm(load);
  await setAndWait("cpu");
  quietCpuBanner();
  return { ok: true, info: { name: "cpu", reason: "using cpu (pure JavaScript)" } };
}

export interface ChooseOptions {
  /** A backend to try first (from `OPTIMLAB_BACKEND`); the usual order follows if it fails. */
  preferred?: string;
  load?: ModuleLoader;
}

/**
 * Tries `preferred` (if any), then tensorflow → wasm → cpu, and activates the first that works.
 * Never rejects: cpu always works.
 */
export async function chooseBackend(options: ChooseOptions = {}): Promise<BackendInfo> {
  const load = options.load ?? require;
  const notes: string[] = [];
  let order: BackendName[] = [...BACKEND_NAMES];
  const preferred = options.preferred?.trim();
  if (preferred) {
    if ((BACKEND_NAMES as readonly string[]).includes(preferred)) {
      order = [preferred as BackendName, ...BACKEND_NAMES.filter((name) => name !== preferred)];
    } else {
      notes.push(`OPTIMLAB_BACKEND=${preferred} ignored (expected ${BACKEND_NAMES.join(", ")})`);
    }
  }
  for (const name of order) {
    const attempt = await tryBackend(name, load);
    if (attempt.ok) {
      const prefix = preferred === name ? [`OPTIMLAB_BACKEND=${name}`] : [];
      return withFitThreads({ ...attempt.info, reason: [...prefix, ...notes, attempt.info.reason].join("; ") });
    }
    notes.push(preferred === name ? `OPTIMLAB_BACKEND=${name} but ${attempt.why}` : attempt.why);
  }
  /* c8 ignore next */
  throw new Error("unreachable: the cpu backend always loads");
}

/** Activates exactly `name` or throws a message saying why it is unavailable. */
export async function activateBackend(name: string, load: ModuleLoader = require): Promise<BackendInfo> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new Error(unknownBackendMessage(name));
  const attempt = await tryBackend(name as BackendName, load);
  if (!attempt.ok) throw new Error(backendUnavailableMessage(name as BackendName, attempt.why));
  return withFitThreads({ ...attempt.info, reason: `selected with backend.use("${name}"); ${attempt.info.reason}` });
}

/** `info` with the threads `train.fit` trains on by default; the reason says when not 1. */
function withFitThreads(info: BackendInfo): BackendInfo {
  const choice = fitThreads(process.env.OPTIMLAB_THREADS, info.name === "wasm" && info.simd === true);
  const fit = fitThreadsReason(choice);
  const { threads, note } = choice;
  return { ...info, threads, reason: [info.reason, ...(note ? [note] : []), ...(fit ? [fit] : [])].join("; ") };
}
