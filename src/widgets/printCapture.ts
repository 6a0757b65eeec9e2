/**
 * What code prints while a widget run is going on, taken into that run (ipywidgets' `with out:`).
 *
 * The kernel sends a write to `process.stdout` / `process.stderr` as a `stream` message of the request
 * being handled (its output scope, `CommSink.captureScope`). A capture claims the writes made in one
 * scope while it is active, also after an `await` (the kernel runs a callback's continuations in its
 * request's scope): exactly the output an ipywidgets `Output` with that request's `msg_id` would get.
 * Writes in other scopes (another cell, another request) go on as before.
 *
 * One hook per stream for the whole process, kept on `globalThis` like the comm sink: the kernel and a
 * notebook's `import "optimlab"` may load two copies of this module.
 */
import { getCommSink } from "./commProtocol";

export type StreamName = "stdout" | "stderr";

/** Takes one write; false leaves it to the stream (the capture no longer wants it). */
export type PrintTaker = (name: StreamName, text: string) => boolean;

interface Capture {
  scope: unknown;
  take: PrintTaker;
}

type Write = (...args: unknown[]) => boolean;

const ACTIVE = Symbol.for("optimlab.widgets.printCaptures");
const HOOK = Symbol.for("optimlab.widgets.printHook");
type Holder = { [ACTIVE]?: Capture[] };
type Hooked = Write & { [HOOK]?: true };

function active(): Capture[] {
  const holder = globalThis as Holder;
  return (holder[ACTIVE] ??= []);
}

function chunkText(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  return String(chunk);
}

/** The newest active capture of the scope output goes to now. */
function captureNow(): Capture | undefined {
  const captures = active();
  if (captures.length === 0) return undefined;
  const scope = getCommSink()?.captureScope?.();
  if (scope === undefined) return undefined;
  for (let i = captures.length - 1; i >= 0; i--) if (captures[i].scope === scope) return captures[i];
  return undefined;
}

function hook(stream: NodeJS.WriteStream, name: StreamName): void {
  const current = Reflect.get(stream, "write") as Hooked;
  if (current[HOOK]) return;
  const hooked: Hooked = function write(this: unknown, ...args: unknown[]): boolean {
    const [chunk, encoding, callback] = args;
    const capture = captureNow();
    if (capture && capture.take(name, chunkText(chunk, encoding))) {
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }
    return current.apply(this, args);
  };
  hooked[HOOK] = true;
  stream.write = hooked as unknown as NodeJS.WriteStream["write"];
}

/**
 * Sends what is printed in the current request's scope to `take` until the returned function is
 * called. Outside a kernel (no request scopes) nothing is captured: prints go to the terminal.
 */
export function capturePrints(take: PrintTaker): () => void {
  const scope = getCommSink()?.captureScope?.();
  if (scope === undefined) return () => undefined;
  hook(process.stdout, "stdout");
  hook(process.stderr, "stderr");
  const capture: Capture = { scope, take };
  active().push(capture);
  return () => {
    const captures = active();
    const at = captures.indexOf(capture);
    if (at >= 0) captures.splice(at, 1);
  };
}

/** Appends `text` to nbformat stream outputs, merging it into the last one when it is the same stream. */
export function appendStream<T>(outputs: T[], name: StreamName, text: string): void {
  const last = outputs[outputs.length - 1] as { output_type?: unknown; name?: unknown; text?: unknown } | undefined;
  if (last && last.output_type === "stream" && last.name === name && typeof last.text === "string")
    outputs[outputs.length - 1] = { output_type: "stream", name, text: last.text + text } as T;
  else outputs.push({ output_type: "stream", name, text } as T);
}
