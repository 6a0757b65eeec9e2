/**
 * The kernel's message loop (Jupyter messaging 5.4), behaving like IPython's kernel. See
 * docs/kernel.md for the diagram.
 *
 * States: starting → idle ⇄ busy → stopping. Shell requests go into one FIFO queue (`queue`) that a
 * single loop (`drain`) works off one at a time: `status: busy` → handler → reply → `status: idle`.
 * The engine's warm-up is a job in the same queue, added once the first kernel_info_reply is out and
 * a client has subscribed to IOPub, so the engine never does two things at once and nothing waits on
 * timers. Control requests are
 * handled at once, outside the queue (their socket lives in the control thread, which also
 * interrupts running code and enforces shutdown: controlThread.ts). After a failed cell with
 * stop_on_error, every execute_request already queued is answered `aborted`.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import * as path from "node:path";
import { KernelChannels, type RequestChannel } from "./channels";
import type { StopReason } from "./controlThread";
import { COMM_MESSAGE_TYPES, CommManager, type CommMessageType } from "./comm";
import { isComplete } from "./completeness";
import { codePointToUtf16, utf16ToCodePoint } from "./cursor";
import {
  callbackInterruptedMessage,
  continuationInterruptedMessage,
  INTERRUPT_ERROR_NAME,
  KeyboardInterrupt,
  queuedInterruptedMessage,
  runtimeError,
  timerInterruptedMessage,
  TypeScriptEngine,
  typescriptVersion,
  unawaitedInterruptedMessage,
  type CellError,
  type ExecutionOutcome,
} from "./engine";
import { CELL_GLOBALS, CELL_GLOBALS_PRELUDE } from "./globals";
import { CellHistory } from "./history";
import { KERNEL_DISPLAY_NAME, packageVersion } from "./kernelspecs";
import {
  cancelTimers,
  cellContext,
  kernelLog,
  nodeSetImmediate,
  routeStdio,
  routeTimers,
  StreamBudget,
  writeProcessStdout,
  type CellScope,
  type StreamName,
} from "./output";
import { interceptProcessExit, ProcessExit } from "./processExit";
import { noStdinMessage, requestInput, requestInputSync, StdinNotAllowedError } from "./stdin";
import { endTerminatedReaction, runUserCode, scopeOf, trackUserCode } from "./userCodeScope";
import { warmUpSetting } from "./warmUpSetting";
import { createMessage, PROTOCOL_VERSION, type ConnectionInfo, type JsonObject, type Message } from "../protocol/wire";
import { formatNow } from "../src/display/format";
import { notifyInterrupt } from "../src/display/interruptListeners";
import { setDisplaySink, type MimeBundle } from "../src/display/protocol";
import { setCommSink } from "../src/widgets/commProtocol";

export interface KernelServerOptions {
  /** Directory cells resolve imports from and run in (the notebook's folder). */
  cwd?: string;
  /** Preload optimlab's backend after the warm-up when the notebook folder can import optimlab (default true). */
  preloadBackend?: boolean;
  /** Called once the kernel has shut down; the CLI exits the process with `code`. */
  onExit?: (code: number) => void;
}

export type KernelState = "starting" | "idle" | "busy" | "stopping";

/** One unit of work for the shell queue. */
type Job = { kind: "request"; message: Message } | { kind: "warm-up" };

/** The cell being executed, and how to cancel it while it awaits. */
interface RunningCell {
  scope: CellScope;
  cancel: () => void;
}

/** Stream text not sent yet, for one request: each stream's text, in the order first written. */
interface PendingStreams {
  parent: Message;
  texts: Map<StreamName, string>;
}

/** How an unawaited promise's rejection is introduced under its cell (see `reportStray`). */
const UNHANDLED_REJECTION = "Unhandled promise rejection";

/** Marks whether the current client session already received plotly.js (src/plot/plotlySource.ts). */
const PLOTLY_EMBEDDED = Symbol.for("optimlab.plot.plotlyEmbedded");

export class KernelServer {
  private readonly channels: KernelChannels;
  private readonly engine: TypeScriptEngine;
  private readonly comms: CommManager;
  private readonly session = randomUUID();
  private readonly history = new CellHistory();
  private state: KernelState = "starting";
  private readonly queue: Job[] = [];
  private draining = false;
  /**
   * The warm-up waits for both: the first kernel_info_reply is out, and a client subscribed to IOPub.
   * jupyter_client's wait_for_ready wants an IOPub message within 0.2 s of its kernel_info_reply; when
   * its subscription lands after our reply, only `iopub_welcome` can give it one, and a warm-up
   * already blocking the event loop would hold that back and make it ask again behind the warm-up
   * (start → ready 2.1 s instead of 0.8 s here).
   */
  private readonly warmUpGate = { infoReplied: false, subscribed: false, queued: false };
  private executionCount = 0;
  private running: RunningCell | undefined;
  /** The scope of the last execute_request: where an error no cell caught is shown (`reportStray`). */
  private lastCellScope: CellScope | undefined;
  private pendingStreams: PendingStreams | undefined;
  /** The latest update of each display that waits for the budget (a flood of updates), by display id. */
  private readonly pendingUpdates = new Map<string, { content: JsonObject; parent: Message }>();
  private readonly streamBudget = new StreamBudget();
  private restoreStdio: (() => void) | undefined;
  /** The status a cell's `process.exit()` asked for: the kernel exits with it after the request (processExit.ts). */
  private exitRequest: number | undefined;
  /** Client sessions (header.session) whose front end already got plotly.js embedded. */
  private readonly plotlySessions = new Set<string>();

  constructor(
    info: ConnectionInfo,
    private readonly options: KernelServerOptions = {},
  ) {
    this.channels = new KernelChannels(info);
    const interrupts = this.channels.interrupts;
    const globals = {
      ...CELL_GLOBALS,
      prompt: (message?: string): string => this.promptSync(message ?? "", false),
      input: (message?: string, options?: { password?: boolean }): Promise<string> =>
        this.promptAsync(message ?? "", options?.password === true),
    };
    this.engine = new TypeScriptEngine({
      rootDir: options.cwd ?? process.cwd(),
      prelude: CELL_GLOBALS_PRELUDE,
      globals,
      interrupts,
      // A cell's promises keep its scope and stay interruptible after it finished (userCodeScope.ts).
      runUserCode: (fn) => runUserCode(cellContext.getStore(), fn),
    });
    this.comms = new CommManager({
      publish: (msgType: CommMessageType, content, { parent, metadata, buffers }) =>
        this.publish(msgType, content, parent, { metadata, buffers }),
      currentParent: () => cellContext.getStore()?.parent,
      log: kernelLog,
    });
  }

  get currentState(): KernelState {
    return this.state;
  }

  async start(): Promise<void> {
    await this.channels.bind();
    const restoreStdio = routeStdio((name, text, scope) => this.stream(name, text, scope));
    // Both run with the timer's cell as the current scope: what they write goes under that cell.
    const restoreTimers = routeTimers(
      (error) => this.reportStray("Uncaught exception", error),
      (callback, kind) => {
        // An interrupt stopped a busy loop in a finished cell's timer (or queued callback): say so.
        if (runUserCode(cellContext.getStore(), () => this.engine.runCallback(callback)))
          process.stderr.write(`${kind === "timer" ? timerInterruptedMessage() : queuedInterruptedMessage()}\n`);
      },
    );
    const restoreExit = interceptProcessExit((status) => this.requestExit(status));
    this.restoreStdio = () => {
      restoreExit();
      restoreStdio();
      restoreTimers();
    };
    setDisplaySink({
      display: (bundle, { displayId, update, metadata }) => this.sendDisplay(bundle, displayId, update, metadata),
      track: (pending) => cellContext.getStore()?.pending.push(pending),
      // As a failed display of a cell's result reads, with the traceback of the learner's code.
      failed: (error) => {
        const failure = displayFailure(error);
        process.stderr.write(`${failure.ename}: ${failure.traceback.join("\n")}\n`);
      },
    });
    setCommSink(this.comms);
    this.channels.interrupts.installProbe();
    trackUserCode(() => this.channels.interrupts.enterUserCode());
    // SIGINT is an interrupt, handled by the control thread (which also hears signals sent to the
    // process group while a cell blocks this thread). SIGTERM keeps its default action: the process
    // ends at once, even in a busy loop, which no handler could promise.
    process.on("SIGINT", () => this.channels.reportSigint());
    process.on("uncaughtException", (error) => this.reportStray("Uncaught exception", error));
    // The cell that made the promise, known from its tag (userCodeScope.ts), not the cell running now.
    process.on("unhandledRejection", (reason, promise) =>
      this.reportStray(UNHANDLED_REJECTION, reason, scopeOf(promise)),
    );
    this.channels.listen({
      message: (message, channel) => this.receive(message, channel),
      interrupt: () => this.interrupt(),
      stop: (reason) => this.stopFor(reason),
      subscribed: (topic) => {
        this.publish("iopub_welcome", { subscription: topic });
        this.warmUpGate.subscribed = true;
        this.queueWarmUpWhenReady();
      },
    });
    this.state = "idle";
    this.publish("status", { execution_state: "starting" });
  }

  // ------------------------------------------------------------------------------------------------
  // The queue

  private receive(message: Message, channel: RequestChannel): void {
    if (this.state === "stopping") return;
    if (channel === "control") {
      void this.withStatus(message, () => this.handleControl(message), false);
      return;
    }
    this.queue.push({ kind: "request", message });
    void this.drain();
  }

  /** Works off the queue, one job at a time (the only place shell requests are handled). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let job = this.queue.shift(); job && this.state !== "stopping"; job = this.queue.shift()) {
        this.state = "busy";
        if (job.kind === "warm-up") {
          await this.warmUp(); // what was sent (iopub_welcome, a reply) is with ZeroMQ already
        } else {
          await this.serveRequest(job.message);
        }
        if (this.state === "busy") this.state = "idle";
        // A cell called process.exit(): its reply and idle are out, now the kernel goes.
        if (this.exitRequest !== undefined) void this.stop(this.exitRequest);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * busy → handler → idle. A shell request becomes the current output scope for its whole duration
   * (the queue runs one at a time); control requests print nothing and leave the scope alone.
   */
  private async withStatus(
    message: Message,
    handler: (scope: CellScope) => Promise<void>,
    current = true,
  ): Promise<void> {
    this.publish("status", { execution_state: "busy" }, message);
    const scope: CellScope = { parent: message, pending: [] };
    const leave = current ? cellContext.enter(scope) : () => undefined;
    try {
      await handler(scope);
    } catch (error) {
      kernelLog(`${message.header.msg_type} failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      leave();
      if (scope.pending.length > 0 && COMM_MESSAGE_TYPES.includes(message.header.msg_type))
        void this.idleWhenSettled(message, scope);
      else this.publish("status", { execution_state: "idle" }, message);
    }
  }

  /**
   * A comm message whose callbacks are still at work (async callbacks, kernel/comm.ts `keepOpen`) stays
   * open without holding the queue: its idle goes out when they settle, since front ends drop a
   * request's output after its idle.
   */
  private async idleWhenSettled(message: Message, scope: CellScope): Promise<void> {
    while (scope.pending.length > 0) await Promise.allSettled(scope.pending.splice(0));
    this.publish("status", { execution_state: "idle" }, message);
  }

  private async handleShell(message: Message): Promise<void> {
    const content = message.content;
    const reply = (msgType: string, body: JsonObject): Promise<void> => this.reply("shell", message, msgType, body);
    switch (message.header.msg_type) {
      case "kernel_info_request":
        await reply("kernel_info_reply", this.kernelInfo());
        this.warmUpGate.infoReplied = true;
        this.queueWarmUpWhenReady();
        return;
      case "execute_request":
        return this.execute(message);
      case "complete_request":
        return reply("complete_reply", this.complete(text(content.code), Number(content.cursor_pos ?? 0)));
      case "inspect_request":
        return reply("inspect_reply", this.inspect(text(content.code), Number(content.cursor_pos ?? 0)));
      case "is_complete_request":
        return reply("is_complete_reply", { ...isComplete(text(content.code)) });
      case "history_request": {
        const entries = this.history.query(content);
        return reply("history_reply", { status: "ok", history: this.history.toJson(entries, content.output === true) });
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        // A widget's callbacks run user code for this request as a cell does: only interrupts asked
        // for from now on concern them (else one pressed while idle stopped every later fit in a
        // slider's callback until a cell ran).
        this.channels.interrupts.beginCell();
        await this.comms.handleCommMessage(message, reply);
        return;
      case "comm_info_request":
        await this.comms.handleCommMessage(message, reply);
        return;
      case "shutdown_request":
        return this.shutdown(message, "shell");
      default:
        kernelLog(`ignoring unsupported message type ${message.header.msg_type} on shell`);
    }
  }

  private async handleControl(message: Message): Promise<void> {
    const reply = (msgType: string, body: JsonObject): Promise<void> => this.reply("control", message, msgType, body);
    switch (message.header.msg_type) {
      case "kernel_info_request":
        return reply("kernel_info_reply", this.kernelInfo());
      case "interrupt_request":
        // The control thread already counted it and, if a cell spins, stops it (controlThread.ts).
        return reply("interrupt_reply", { status: "ok" });
      case "shutdown_request":
        return this.shutdown(message, "control");
      case "execute_request": {
        // Code runs only through the shell queue, in order; control is for interrupt and shutdown.
        const error: CellError = {
          ename: "ProtocolError",
          evalue: "execute_request must be sent on the shell channel; the control channel never runs code",
          traceback: [],
        };
        return reply("execute_reply", { status: "error", execution_count: this.executionCount, ...error });
      }
      default:
        kernelLog(`ignoring unsupported message type ${message.header.msg_type} on control`);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Requests

  private kernelInfo(): JsonObject {
    const tsVersion = typescriptVersion();
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "optimlab",
      implementation_version: packageVersion(),
      language_info: {
        name: "typescript",
        version: tsVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        // A CodeMirror mode name: classic Notebook loads /static/components/codemirror/mode/<mode>/.
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
      banner: `${KERNEL_DISPLAY_NAME}: TypeScript ${tsVersion} on Node.js ${process.version}, type-checked cells with top-level await`,
      help_links: [],
      debugger: false,
    };
  }

  private async execute(request: Message): Promise<void> {
    const content = request.content;
    const code = text(content.code);
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    if (storeHistory) {
      this.executionCount++;
      this.history.add(this.executionCount, code);
    }
    const count = this.executionCount;
    if (!silent) this.publish("execute_input", { code, execution_count: count }, request);
    const scope = cellContext.getStore() as CellScope;
    scope.allowStdin = content.allow_stdin === true;
    if (!silent) this.lastCellScope = scope;
    this.preparePlotly(request);

    let cancel: () => void = () => undefined;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    this.running = { scope, cancel };
    this.channels.interrupts.beginCell();
    let outcome: ExecutionOutcome;
    try {
      // Frames of this cell's code read `at f (In[3]:5:7)`, as IPython's "Cell In[3], line 5".
      outcome = await this.engine.execute(code, cancelled, storeHistory ? `In[${count}]` : "<cell>");
    } catch (error) {
      // The engine itself failed: still an error reply, never silence.
      outcome = { status: "error", error: runtimeError(error) };
    } finally {
      this.running = undefined;
    }
    // process.exit() unwound the cell (a ProcessExit, or the wait it cancelled): the exit is what the
    // cell asked for, answered ok as IPython answers `exit()`.
    if (this.exitRequest !== undefined && outcome.status === "error") outcome = { status: "ok", hasValue: false };
    let result: MimeBundle | undefined;
    let failure: CellError | undefined = outcome.status === "error" ? outcome.error : undefined;
    if (outcome.status === "ok" && outcome.hasValue && !silent) {
      try {
        result = await formatNow(outcome.value);
        const plain = result["text/plain"];
        if (storeHistory && typeof plain === "string") this.history.setOutput(count, plain);
      } catch (error) {
        failure = displayFailure(error);
      }
    }
    await settleAll(scope.pending);
    this.notePlotly(request);

    if (failure) {
      // Taken before the reply goes out: a request sent after the client saw the error must run.
      const queuedBefore = this.queuedExecutes();
      this.publish("error", { ...failure }, request);
      await this.reply("shell", request, "execute_reply", {
        status: "error",
        execution_count: count,
        ...failure,
        user_expressions: {},
      });
      if (!silent && content.stop_on_error !== false) await this.abortQueuedExecutes(queuedBefore);
      return;
    }
    if (result)
      this.publish("execute_result", { execution_count: count, data: result as JsonObject, metadata: {} }, request);
    await this.reply("shell", request, "execute_reply", {
      status: "ok",
      execution_count: count,
      user_expressions: this.exitRequest === undefined ? await this.userExpressions(content.user_expressions) : {},
      payload: [],
    });
  }

  /**
   * `user_expressions` of a successful execute_request (messaging spec): each expression is evaluated
   * after the cell, like IPython, and answered `{status: "ok", data, metadata}` or the error's fields.
   */
  private async userExpressions(expressions: unknown): Promise<JsonObject> {
    const out: JsonObject = {};
    if (expressions === null || typeof expressions !== "object") return out;
    for (const [name, code] of Object.entries(expressions as { [name: string]: unknown })) {
      const outcome = await this.engine.execute(`(${text(code)}\n)`, new Promise<void>(() => undefined));
      let failure = outcome.status === "error" ? outcome.error : undefined;
      if (outcome.status === "ok") {
        try {
          out[name] = { status: "ok", data: (await formatNow(outcome.value)) as JsonObject, metadata: {} };
        } catch (error) {
          failure = runtimeError(error);
        }
      }
      if (failure) out[name] = { status: "error", ...failure };
    }
    return out;
  }

  /**
   * Handles the shell requests other than execute_request at the front of the queue, in order,
   * while the training warm-up pauses between chunks (an execute_request there stops the warm-up
   * instead, and the queue goes on in order).
   */
  private async serveWaitingRequests(): Promise<void> {
    for (let job = this.queue[0]; job !== undefined && this.state !== "stopping"; job = this.queue[0]) {
      if (job.kind !== "request" || job.message.header.msg_type === "execute_request") return;
      this.queue.shift();
      await this.serveRequest(job.message);
    }
  }

  /** One shell request, with its busy/idle status and as the current output scope. */
  private serveRequest(message: Message): Promise<void> {
    return this.withStatus(message, () => this.handleShell(message));
  }

  /** The execute_requests waiting in the shell queue now. */
  private queuedExecutes(): Job[] {
    return this.queue.filter((job) => job.kind === "request" && job.message.header.msg_type === "execute_request");
  }

  /**
   * Like ipykernel: execute_requests that arrived before a failed cell's reply went out relied on it,
   * so they are answered "aborted" without running. Later ones (sent after the client saw the error)
   * run normally.
   */
  private async abortQueuedExecutes(queuedBefore: readonly Job[]): Promise<void> {
    for (const job of queuedBefore) {
      const index = this.queue.indexOf(job);
      if (index < 0) continue;
      this.queue.splice(index, 1);
      if (job.kind !== "request") continue;
      await this.withStatus(job.message, () =>
        this.reply("shell", job.message, "execute_reply", { status: "aborted", execution_count: this.executionCount }),
      );
    }
  }

  /** An interrupt request reached the main thread: acknowledge it and cancel a cell that awaits. */
  private interrupt(): void {
    this.channels.interrupts.acknowledge();
    // A busy loop in a finished cell's promise continuation was stopped: say so under that cell.
    const stopped = endTerminatedReaction();
    // Work that outlives its request (interact's runs) stops too, also when its code was terminated;
    // it shows the KeyboardInterrupt itself (an interact's Output), so no second line is written for it.
    const told = notifyInterrupt(new KeyboardInterrupt(), (error) =>
      kernelLog(`interrupt listener failed: ${String(error)}`),
    );
    if (stopped && stopped !== this.running?.scope) {
      const fromControl = COMM_MESSAGE_TYPES.includes(stopped.parent.header.msg_type);
      const message = fromControl ? callbackInterruptedMessage() : continuationInterruptedMessage();
      if (!(fromControl && told > 0)) cellContext.run(stopped, () => process.stderr.write(`${message}\n`));
    }
    // A cell that began after the request is not the one interrupted (the request's cell stopped by
    // itself, as train.fit does, and this handler runs only once the event loop turns).
    if (!this.running || !this.channels.interrupts.pending()) return;
    cancelTimers(this.running.scope);
    this.running.cancel();
  }

  private complete(code: string, cursorPos: number): JsonObject {
    const cursor = codePointToUtf16(code, cursorPos);
    const completion = this.engine.complete(code, cursor);
    return {
      status: "ok",
      matches: completion.matches,
      cursor_start: utf16ToCodePoint(code, completion.start),
      cursor_end: utf16ToCodePoint(code, completion.end),
      metadata: {},
    };
  }

  private inspect(code: string, cursorPos: number): JsonObject {
    const text = this.engine.inspect(code, codePointToUtf16(code, cursorPos));
    return {
      status: "ok",
      found: text !== undefined,
      data: text === undefined ? {} : { "text/plain": text },
      metadata: {},
    };
  }

  private async shutdown(request: Message, channel: RequestChannel): Promise<void> {
    const content = { status: "ok", restart: request.content.restart === true };
    await this.reply(channel, request, "shutdown_reply", content);
    // IPython also broadcasts the reply on IOPub so every client learns of the shutdown.
    this.publish("shutdown_reply", content, request);
    void this.stop(0);
  }

  /**
   * A cell's code called process.exit(status) (processExit.ts throws to unwind it). During a request
   * the queue stops the kernel after its reply and idle; a cell awaiting something stops waiting.
   * Outside any request (a finished cell's timer) there is nothing to answer: the kernel stops now.
   */
  private requestExit(status: number): void {
    this.exitRequest = status;
    this.running?.cancel();
    if (this.state === "idle") void this.stop(status);
  }

  private stopFor(reason: StopReason): void {
    // A shutdown_request is answered by its handler, which then stops; the parent's death stops here.
    if (reason === "parent-died") void this.stop(0);
  }

  // ------------------------------------------------------------------------------------------------
  // stdin

  private inputRequest(prompt: string, password: boolean): Message {
    const scope = cellContext.getStore();
    if (!scope || scope.parent.header.msg_type !== "execute_request" || !scope.allowStdin)
      throw new StdinNotAllowedError(noStdinMessage());
    this.flushPending();
    return createMessage("input_request", { prompt, password }, { parent: scope.parent, session: this.session });
  }

  private promptSync(prompt: string, password: boolean): string {
    const request = this.inputRequest(prompt, password);
    return requestInputSync(this.channels.stdin, () => this.channels.requestInput(request));
  }

  private promptAsync(prompt: string, password: boolean): Promise<string> {
    let request: Message;
    try {
      request = this.inputRequest(prompt, password);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return requestInput(this.channels.stdin, () => this.channels.requestInput(request));
  }

  // ------------------------------------------------------------------------------------------------
  // Output

  private reply(channel: RequestChannel, request: Message, msgType: string, content: JsonObject): Promise<void> {
    return this.channels.send(channel, createMessage(msgType, content, { parent: request, session: this.session }));
  }

  /** Publishes on IOPub, after any stream text still buffered (so output keeps its order). */
  private publish(
    msgType: string,
    content: JsonObject,
    parent?: Message,
    extra: { metadata?: JsonObject; buffers?: Buffer[] } = {},
  ): void {
    this.flushPending();
    void this.channels.publish(createMessage(msgType, content, { parent, session: this.session, ...extra }));
  }

  /**
   * Publishes a write at once, so it shows while the cell's synchronous code runs on (a loop printing
   * its loss). While a flood of writes has spent the stream budget, writes gather instead, one text
   * per stream (as ipykernel's buffers: a gathered stdout text and stderr text go out one after the
   * other, so their lines are no longer interleaved), whichever stream is written.
   */
  private stream(name: StreamName, text: string, scope: CellScope): void {
    if (this.state === "stopping" || scope.discard) return;
    if (this.pendingStreams && this.pendingStreams.parent !== scope.parent) this.flushPending();
    let pending = this.pendingStreams;
    if (!pending) {
      this.flushAtEndOfTurn();
      pending = this.pendingStreams = { parent: scope.parent, texts: new Map() };
    }
    pending.texts.set(name, (pending.texts.get(name) ?? "") + text);
    if (this.streamBudget.take()) this.flushPending();
  }

  /**
   * Call before holding something back: when nothing waits yet, what is held goes at the end of this
   * turn of the event loop at the latest (or before any other message, which flushes first).
   */
  private flushAtEndOfTurn(): void {
    if (!this.pendingStreams && this.pendingUpdates.size === 0) nodeSetImmediate(() => this.flushPending());
  }

  /** Sends what waits: gathered stream text, then the latest update of each display that waits. */
  private flushPending(): void {
    const pending = this.pendingStreams;
    this.pendingStreams = undefined;
    for (const [name, text] of pending?.texts ?? [])
      void this.channels.publish(
        createMessage("stream", { name, text }, { parent: pending?.parent, session: this.session }),
      );
    const updates = [...this.pendingUpdates.values()];
    this.pendingUpdates.clear();
    for (const { content, parent } of updates)
      void this.channels.publish(createMessage("update_display_data", content, { parent, session: this.session }));
  }

  private sendDisplay(
    bundle: MimeBundle,
    displayId: string | undefined,
    update: boolean,
    metadata: { [key: string]: unknown },
  ): void {
    const scope = cellContext.getStore();
    if (scope?.discard) return;
    if (!scope) {
      // Not caused by any request (e.g. a library's own timer): there is no cell to show it in.
      const text = bundle["text/plain"];
      writeProcessStdout(`${typeof text === "string" ? text : JSON.stringify(bundle)}\n`);
      return;
    }
    const content: JsonObject = {
      data: bundle as JsonObject,
      metadata: metadata as JsonObject,
      transient: displayId === undefined ? {} : { display_id: displayId },
    };
    if (update && displayId !== undefined) {
      // Only a display's latest update matters: in a flood of updates (a loop updating a progress
      // text every step), those the budget cannot send now are replaced by later ones.
      this.pendingUpdates.delete(displayId);
      if (!this.streamBudget.take()) {
        this.flushAtEndOfTurn();
        this.pendingUpdates.set(displayId, { content, parent: scope.parent });
        return;
      }
    }
    this.publish(update ? "update_display_data" : "display_data", content, scope.parent);
  }

  /** A new client session (a notebook reopened in a new tab) must get plotly.js embedded again. */
  private preparePlotly(request: Message): void {
    const holder = globalThis as { [PLOTLY_EMBEDDED]?: boolean };
    if (!this.plotlySessions.has(request.header.session)) holder[PLOTLY_EMBEDDED] = false;
  }

  private notePlotly(request: Message): void {
    if ((globalThis as { [PLOTLY_EMBEDDED]?: boolean })[PLOTLY_EMBEDDED])
      this.plotlySessions.add(request.header.session);
  }

  /**
   * An error no cell caught: shown under the cell it belongs to — the current scope (a timer's
   * cell), the one running, else the last cell run (an unawaited promise of a finished cell rejects
   * after its reply; Node's event no longer knows whose it was) — and logged only when no cell ran yet.
   */
  private reportStray(kind: string, error: unknown, origin?: CellScope): void {
    if (error instanceof ProcessExit) return; // process.exit() from a timer or a continuation: no error
    const { ename, traceback } = runtimeError(error);
    // An interrupt that stopped work nobody awaited (`void train.fit(…)`) is a note, as interrupts are
    // elsewhere, not an "Unhandled promise rejection: KeyboardInterrupt" that reads like a bug.
    const line =
      ename !== INTERRUPT_ERROR_NAME
        ? `${kind}: ${traceback.join("\n")}`
        : kind === UNHANDLED_REJECTION
          ? unawaitedInterruptedMessage()
          : timerInterruptedMessage();
    const target = origin ?? cellContext.getStore() ?? this.running?.scope ?? this.lastCellScope;
    if (target) cellContext.run(target, () => process.stderr.write(`${line}\n`));
    else kernelLog(line);
  }

  // ------------------------------------------------------------------------------------------------
  // Start-up work and shutdown

  /** Queues the warm-up once its gate is open (see `warmUpGate`); loading blocks for a second or so. */
  private queueWarmUpWhenReady(): void {
    const gate = this.warmUpGate;
    if (gate.queued || !gate.infoReplied || !gate.subscribed) return;
    gate.queued = true;
    this.queue.push({ kind: "warm-up" });
    void this.drain();
  }

  /** Loads the engine (TypeScript, libraries), then optimlab's backend and warms its training path; a queue job. */
  private async warmUp(): Promise<void> {
    try {
      this.engine.warmUp();
    } catch (error) {
      kernelLog(`engine warm-up failed: ${(error as Error).stack ?? String(error)}`);
    }
    if (this.options.preloadBackend !== false) await this.preloadBackend();
  }

  /**
   * Loads optimlab's backend the way the notebook will import it, so the first cell is fast, then
   * runs optimlab's training warm-up (src/warmUp.ts: a few steps of a throwaway MLP, no state a
   * user can see) so the first epoch a cell trains is not slowed by V8 warming up. The warm-up
   * costs more than it saves, so it only uses idle time: it is skipped when a cell (execute_request)
   * is already waiting and stops when one arrives (a runner or a quick user would only wait for it);
   * other requests (kernel_info, comm_info from a widget manager, completions) are answered
   * between its chunks (`serveWaitingRequests`), so they wait one chunk.
   * OPTIMLAB_WARM_UP=0 skips it always; OPTIMLAB_WARM_UP=n runs n steps per path (kernel/warmUpSetting.ts).
   */
  private async preloadBackend(): Promise<void> {
    const cwd = this.options.cwd ?? process.cwd();
    const requireFromNotebook = createRequire(path.join(cwd, "__optimlab_preload__.js"));
    let backendPath: string;
    try {
      backendPath = requireFromNotebook.resolve("optimlab/dist/src/backend");
    } catch {
      return; // optimlab is not importable from this folder: nothing to warm
    }
    // TensorFlow.js greets on load; that message belongs to no cell, so this scope discards output.
    const quiet: CellScope = {
      parent: createMessage("preload", {}, { session: this.session }),
      pending: [],
      discard: true,
    };
    await cellContext.run(quiet, async () => {
      try {
        const backend = requireFromNotebook(backendPath) as { ready?: () => Promise<unknown> };
        // Start choosing the backend now, so `await backend.ready()` in the first cell is quick.
        if (typeof backend.ready === "function") void backend.ready().catch(() => undefined);
      } catch (error) {
        kernelLog(`could not preload ${backendPath}: ${(error as Error).message}`);
        return;
      }
      const setting = warmUpSetting(process.env.OPTIMLAB_WARM_UP);
      if (setting.kind === "off") return;
      if (setting.kind === "invalid") kernelLog(setting.message);
      const steps = setting.kind === "steps" ? { steps: setting.steps, tapeSteps: setting.steps } : {};
      // Let requests that arrived while loading blocked reach the queue, then warm up only if no cell did.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.queuedExecutes().length > 0) return;
      try {
        const warm = requireFromNotebook(requireFromNotebook.resolve("optimlab/dist/src/warmUp")) as {
          warmUp?: (options: {
            shouldStop: () => boolean;
            betweenChunks: () => Promise<void>;
            steps?: number;
            tapeSteps?: number;
          }) => Promise<unknown>;
        };
        // Every 16 steps it answers the other requests waiting, then stops if a cell is queued: a
        // request waits one chunk at most.
        await warm.warmUp?.({
          ...steps,
          betweenChunks: () => this.serveWaitingRequests(),
          shouldStop: () => this.queuedExecutes().length > 0,
        });
      } catch (error) {
        // An older optimlab without src/warmUp, or an interrupt during the warm-up: the first cell is just slower.
        kernelLog(`training warm-up skipped: ${(error as Error).message}`);
      }
    });
  }

  /** Closes sockets and the engine, then reports the exit code (idempotent). */
  async stop(code: number): Promise<void> {
    if (this.state === "stopping") return;
    this.state = "stopping";
    this.running?.cancel();
    this.flushPending();
    setDisplaySink(undefined);
    setCommSink(undefined);
    this.restoreStdio?.();
    try {
      this.engine.close();
      await this.channels.close();
    } catch (error) {
      kernelLog(`error while shutting down: ${(error as Error).message}`);
    }
    this.options.onExit?.(code);
  }
}

/** Waits for every promise in `pending`, including ones added while waiting. */
/** A display that failed (a cell's result, or an async display method), as the learner sees it. */
function displayFailure(error: unknown): CellError {
  const failure = runtimeError(error);
  failure.ename = `DisplayError (${failure.ename})`;
  return failure;
}

async function settleAll(pending: Promise<unknown>[]): Promise<void> {
  for (let done = 0; done < pending.length;) {
    const batch = pending.slice(done);
    done = pending.length;
    await Promise.allSettled(batch);
  }
}

/** A string field of a request's content ("" when absent or not a string). */
function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
