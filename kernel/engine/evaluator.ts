/**
 * Runs JavaScript in V8's REPL mode through the inspector protocol (`Runtime.evaluate` with
 * `replMode: true`), on this (the main) thread — what Chrome DevTools' console and Deno's kernel do.
 *
 * REPL mode gives notebook semantics for free: top-level `let`/`const`/`class` live in one global
 * lexical scope (a function of an earlier cell sees the value a later cell gave a name), may be
 * declared again by a later cell, survive a throw later in their cell, and top-level `await` works.
 *
 * The inspector reports results as remote objects; `take` turns one back into the real value by
 * calling a function on it that hands `this` to us. Exceptions come back the same way, so any thrown
 * value (a Proxy, an Error whose getters throw) is returned as is, never touched here.
 */
import { Session } from "node:inspector";
import { KERNEL_SCRIPT_URL } from "./stackTraces";

export type Evaluation = { ok: true; value: unknown } | { ok: false; thrown: unknown; terminated: boolean };

interface RemoteObject {
  type: string;
  subtype?: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
  description?: string;
}

interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { exception?: RemoteObject; text?: string };
}

const OBJECT_GROUP = "optimlab-cell";
const HANDOFF = Symbol.for("optimlab.evaluator.handoff");
const CALL = Symbol.for("optimlab.evaluator.call");

/** Runs the synchronous part of user code (kernel/userCodeScope.ts tags the promises it creates). */
export type UserCodeRunner = <T>(fn: () => T) => T;

export class ReplEvaluator {
  private readonly session = new Session();
  private taken: unknown;

  constructor(private readonly runUserCode: UserCodeRunner = (fn) => fn()) {
    this.session.connect();
    (globalThis as { [HANDOFF]?: (value: unknown) => void })[HANDOFF] = (value) => {
      this.taken = value;
    };
  }

  /** `userCode`: the call runs the cell's script (a same-thread session runs it inside `post`). */
  private post<T>(method: string, params: object, userCode = false): Promise<T> {
    return new Promise((resolve, reject) => {
      const post = () =>
        this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
      if (userCode) this.runUserCode(post);
      else post();
    });
  }

  /** Evaluates `js` (a script; its completion value is the result), awaiting a top-level await. */
  async evaluate(js: string): Promise<Evaluation> {
    let response: EvaluateResult;
    try {
      response = await this.post<EvaluateResult>(
        "Runtime.evaluate",
        {
          expression: js,
          replMode: true,
          awaitPromise: true,
          objectGroup: OBJECT_GROUP,
          includeCommandLineAPI: false,
        },
        true,
      );
    } catch (error) {
      // The inspector answers with an error when execution was terminated (an interrupt).
      return { ok: false, thrown: error, terminated: /terminated/i.test(String((error as Error)?.message)) };
    }
    try {
      if (response.exceptionDetails) {
        const exception = response.exceptionDetails.exception;
        if (!exception)
          return { ok: false, thrown: new Error(response.exceptionDetails.text ?? "Uncaught"), terminated: false };
        const terminated =
          exception.type === "object" &&
          exception.description === undefined &&
          /terminated/i.test(response.exceptionDetails.text ?? "");
        return { ok: false, thrown: await this.take(exception), terminated };
      }
      return { ok: true, value: await this.take(response.result) };
    } finally {
      await this.post("Runtime.releaseObjectGroup", { objectGroup: OBJECT_GROUP });
    }
  }

  private async take(remote: RemoteObject): Promise<unknown> {
    if (remote.objectId === undefined) {
      if (remote.type === "undefined") return undefined;
      if (remote.unserializableValue !== undefined) return unserializable(remote.unserializableValue);
      return remote.value;
    }
    this.taken = undefined;
    await this.post("Runtime.callFunctionOn", {
      objectId: remote.objectId,
      functionDeclaration: `function () { "use strict"; globalThis[Symbol.for("optimlab.evaluator.handoff")](this); }`,
    });
    const value = this.taken;
    this.taken = undefined;
    return value;
  }

  /**
   * Calls `fn` now, through the inspector as a cell is run, so that an interrupt's
   * `terminateExecution` ends inside this call: the caller (a timer's wrapper, Node's timer list)
   * goes on. Terminated outside such a call, a timer callback leaves Node's async-context stack
   * unbalanced and the process aborts. A same-thread session answers synchronously. True when the
   * call was terminated; what `fn` throws is its own business (wrap it).
   */
  callInterruptibly(fn: () => void): boolean {
    const slot = globalThis as { [CALL]?: () => void };
    let terminated = false;
    slot[CALL] = fn;
    try {
      this.session.post(
        "Runtime.evaluate",
        {
          // Named, so that stack traces leave this frame out with the kernel's (stackTraces.ts).
          expression: `globalThis[Symbol.for("optimlab.evaluator.call")]()\n//# sourceURL=${KERNEL_SCRIPT_URL}`,
          silent: true,
          includeCommandLineAPI: false,
        },
        (error) => {
          terminated = error !== null && /terminated/i.test(error.message);
        },
      );
    } finally {
      slot[CALL] = undefined;
    }
    return terminated;
  }

  close(): void {
    this.session.disconnect();
  }
}

function unserializable(text: string): unknown {
  if (text.endsWith("n")) return BigInt(text.slice(0, -1));
  if (text === "NaN") return Number.NaN;
  if (text === "Infinity") return Number.POSITIVE_INFINITY;
  if (text === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (text === "-0") return -0;
  return text;
}
