/**
 * Backend selection and seeding.
 *
 * Importing optimlab starts choosing a backend (tfjs-node → wasm → cpu, or `OPTIMLAB_BACKEND`);
 * library entry points (`fit`, `compare`, `trajectory`, `tune.*`) await {@link ready} first.
 */
import * as tf from "@tensorflow/tfjs";
import { detachOnce } from "./detachOnce";
import { registerCpuFusedKernels } from "./fused";
import { activateBackend, chooseBackend, quietCpuBanner, type BackendInfo, type BackendName } from "./select";

export { elementwise, fusedGlobalNorm, Ew } from "./fused";
export { seed, currentSeed, nextSeed, rng, deriveSeed, Random, invalidSeedMessage } from "./random";
export {
  chooseBackend,
  activateBackend,
  unknownBackendMessage,
  backendUnavailableMessage,
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  type ModuleLoader,
  type ChooseOptions,
} from "./select";

let pending: Promise<BackendInfo> | undefined;
let chosen: BackendInfo | undefined;

/** Resolves once a backend is active; starts the choice on first call. Never rejects. */
export function ready(): Promise<BackendInfo> {
  if (!pending) {
    pending = chooseBackend({ preferred: process.env.OPTIMLAB_BACKEND }).then((info) => {
      chosen = info;
      return info;
    });
  }
  return pending;
}

/** The active backend and why it was chosen; undefined until {@link ready} has resolved. */
export function info(): BackendInfo | undefined {
  return chosen;
}

/** Switches to `name` ("tensorflow", "wasm" or "cpu"); rejects with the reason if it cannot load. */
export async function use(name: BackendName): Promise<BackendInfo> {
  await ready();
  const next = activateBackend(name);
  pending = next.then(
    (result) => (chosen = result),
    () => chosen as BackendInfo,
  );
  return next;
}

// Before any of our code is hot: the first detach in a process deoptimizes everything (detachOnce.ts).
detachOnce();
registerCpuFusedKernels();

// Until the choice is made, run on cpu: tfjs would otherwise pick wasm (highest priority) for the
// first op and throw "not yet initialized" while wasm loads. The cpu factory is synchronous.
if (!tf.getBackend()) {
  void tf.setBackend("cpu");
  quietCpuBanner();
}
// Start right away so the choice is usually done before the first fit.
void ready();
