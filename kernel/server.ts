/**
 * The kernel's message loop (Jupyter messaging 5.3), behaving like IPython's kernel.
 *
 * Every request: `status: busy` → one handler → reply (as a child of the request) → `status: idle`.
 * Shell requests run one at a time in arrival order; control requests (interrupt, shutdown) are
 * handled at once, even while a cell awaits (their socket lives in a thread that also signals
 * interrupts while a cell spins: see controlThread.ts). Unknown message types are logged and answered
 * with busy/idle only. Cell output reaches the right cell through `cellContext` (see output.ts).
 */
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { createRequire } from "node:module";
import { KernelChannels, type RequestChannel } from "./channels";
import { isComplete } from "./completeness";
import { codePointToUtf16, utf16ToCodePoint } from "./cursor";
import { runtimeError, TypeScriptEngine, typescriptVersion, type CellError, type ExecutionOutcome } from "./engine";
import { CELL_GLOBALS, CELL_GLOBALS_PRELUDE } from "./globals";
import { CellHistory, type HistoryQuery } from "./history";
import { cellContext, kernelLog, routeStdio, writeProcessStdout, type CellScope, type StreamName } from "./output";
import { createMessage, PROTOCOL_VERSION, type ConnectionInfo, type JsonObject, type Message } from "./wire";
import { formatNow } from "../src/display/format";
import { setDisplaySink, type MimeBundle } from "../src/display/protocol";
import { setCommSink } from "../src/widgets/commProtocol";
import { CommManager } from "./comm";
import { KERNEL_DISPLAY_NAME, packageVersion } from "./kernelspecs";

export interface KernelServerOptions {
  /** Directory cells resolve imports from and run in (the notebook's folder). */
  cwd?: string;
  /** Preload optimlab's backend after start-up when the notebook folder can import optimlab (default true). */
  preloadBackend?: boolean;
  /** Called once the kernel has shut down; the CLI exits the process with `code`. */
  onExit?: (code: number) => void;
}

/** Quiet time after a `kernel_info_reply` before the (blocking) engine warm-up starts. */
const WARM_UP_QUIET_MS = 250;

interface PendingStream {
  name: StreamName;
  text: string;
  parent: Message;
}

export class KernelServer {
  private readonly channels: KernelChannels;
  private readonly engine: TypeScriptEngine;
  private readonly session = randomUUID();
  private readonly history = new CellHistory();
  private executionCount = 0;
  private shellQueue: Promise<void> = Promise.resolve();
  private shellWaiting = 0;
  /** After a failed cell (stop_on_error), executes already waiting are answered "aborted". */
  private aborting = false;
  /** When that failure was reported (ms since epoch): requests the client made later still run. */
  private abortedAt = 0;
  private pendingStream: PendingStream | undefined;
  private streamFlushScheduled = false;
  private restoreStdio: (() => void) | undefined;
  private warmUpTimer: NodeJS.Timeout | undefined;
  private warm: Promise<void> | undefined;
  /** An execute_request is between execute_input and the engine (an interrupt then cancels it). */
  private cellStarting = false;
  private interruptedBeforeStart = false;
  private stopping = false;
  /** Comms (widgets): kernel/comm.ts; the library reaches it through the comm sink. */
  private readonly comms = new CommManager({
    publish: (msgType, content, { parent, metadata, buffers }) => {
      this.flushStream();
      void this.channels.publish(createMessage(msgType, content, { parent, metadata, buffers, session: this.session }));
    },
    currentParent: () => cellContext.getStore()?.parent,
    log: kernelLog,
  });

  constructor(
    info: ConnectionInfo,
    private readonly options: KernelServerOptions = {},
  ) {
    this.channels = new KernelChannels(info);
    this.engine = new TypeScriptEngine(options.cwd ?? process.cwd(), () => this.channels.interruptRequested());
  }

  async start(): Promise<void> {
    await this.channels.bind();
    this.restoreStdio = routeStdio((name, text, scope) => this.stream(name, text, scope));
    setDisplaySink({
      display: (bundle, { displayId, update, metadata }) => this.sendDisplay(bundle, displayId, update, metadata),
      track: (pending) => cellContext.getStore()?.pending.push(pending),
    });
    setCommSink(this.comms);
    process.on("SIGINT", () => this.interrupt());
    process.on("SIGTERM", () => void this.stop(0));
    process.on("uncaughtException", (error) => this.reportStray("Uncaught exception", error));
    process.on("unhandledRejection", (reason) => this.reportStray("Unhandled promise rejection", reason));
    this.channels.listen((message, channel) => this.dispatch(message, channel));
    this.publish("status", { execution_state: "starting" });
  }

  // ------------------------------------------------------------------------------------------------
  // Dispatch

  private dispatch(message: Message, channel: RequestChannel): void {
    if (this.stopping) return;
    if (channel === "control") {
      void this.run(message, channel);
      return;
    }
    if (channel === "stdin") return; // input_reply: we never send input_request (no stdin support)
    this.shellWaiting++;
    this.shellQueue = this.shellQueue.then(async () => {
      try {
        await this.run(message, channel);
      } finally {
        this.shellWaiting--;
      }
    });
  }

  /** busy → handler → idle, with everything the handler prints routed to this request. */
  private async run(message: Message, channel: RequestChannel): Promise<void> {
    this.publish("status", { execution_state: "busy" }, message);
    const scope: CellScope = { parent: message, pending: [] };
    try {
      await cellContext.run(scope, () => this.handle(message, channel, scope));
    } catch (error) {
      kernelLog(`${message.header.msg_type} failed: ${(error as Error).stack ?? error}`);
    } finally {
      this.publish("status", { execution_state: "idle" }, message);
    }
  }

  private async handle(message: Message, channel: RequestChannel, scope: CellScope): Promise<void> {
    const content = message.content;
    switch (message.header.msg_type) {
      case "kernel_info_request":
        await this.reply(channel, message, "kernel_info_reply", this.kernelInfo());
        this.scheduleWarmUp(WARM_UP_QUIET_MS);
        return;
      case "execute_request":
        await this.ensureWarm();
        return this.execute(message, scope);
      case "complete_request":
        await this.ensureWarm();
        return this.reply(channel, message, "complete_reply", this.complete(String(content.code ?? ""), Number(content.cursor_pos ?? 0)));
      case "inspect_request":
        await this.ensureWarm();
        return this.reply(channel, message, "inspect_reply", this.inspect(String(content.code ?? ""), Number(content.cursor_pos ?? 0)));
      case "is_complete_request":
        return this.reply(channel, message, "is_complete_reply", { ...isComplete(String(content.code ?? "")) });
      case "history_request": {
        const entries = this.history.query(content as HistoryQuery);
        return this.reply(channel, message, "history_reply", { status: "ok", history: this.history.toJson(entries) });
      }
      case "comm_info_request":
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        await this.comms.handleCommMessage(message, (msgType, reply) => this.reply(channel, message, msgType, reply));
        return;
      case "interrupt_request":
        // The control thread already sent SIGINT to this process (see controlThread.ts); on the
        // main thread the signal handler interrupts awaiting cells, breakOnSigint running ones.
        if (channel !== "control") this.interrupt();
        return this.reply(channel, message, "interrupt_reply", { status: "ok" });
      case "shutdown_request":
        return this.shutdown(message, channel);
      default:
        kernelLog(`ignoring unsupported message type ${message.header.msg_type} on ${channel}`);
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
        codemirror_mode: "text/typescript",
        pygments_lexer: "typescript",
      },
      banner: `${KERNEL_DISPLAY_NAME}: TypeScript ${tsVersion} on Node.js ${process.version}, type-checked cells with top-level await`,
      help_links: [],
      debugger: false,
    };
  }

  private async execute(request: Message, scope: CellScope): Promise<void> {
    const content = request.content;
    const code = String(content.code ?? "");
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    // A request made after the client saw the error (its header date is later) is not "queued behind" it.
    if (this.aborting && !(Date.parse(String(request.header.date)) > this.abortedAt)) {
      await this.reply("shell", request, "execute_reply", { status: "aborted", execution_count: this.executionCount });
      return;
    }
    if (storeHistory) {
      this.executionCount++;
      this.history.add(this.executionCount, code);
    }
    const count = this.executionCount;
    if (!silent) this.publish("execute_input", { code, execution_count: count }, request);

    // Hand busy/execute_input to ZeroMQ before the cell can block the event loop (a busy loop).
    this.channels.clearInterrupt();
    this.cellStarting = true;
    this.interruptedBeforeStart = false;
    this.flushStream();
    await this.channels.flushed();
    this.cellStarting = false;
    const outcome: ExecutionOutcome = this.interruptedBeforeStart || this.channels.interruptRequested()
      ? { status: "error", error: runtimeError(undefined, true) }
      : await this.engine.execute(code);
    let result: MimeBundle | undefined;
    let failure: CellError | undefined = outcome.status === "error" ? outcome.error : undefined;
    if (outcome.status === "ok" && outcome.hasValue && outcome.value !== undefined && !silent) {
      try {
        result = await formatNow(outcome.value);
      } catch (error) {
        failure = { ename: "DisplayError", evalue: (error as Error).message, traceback: String((error as Error).stack ?? error).split("\n") };
      }
    }
    await settleAll(scope.pending);

    if (failure) {
      if (!silent && content.stop_on_error !== false) this.abortQueued();
      this.publish("error", { ...failure }, request);
      await this.reply("shell", request, "execute_reply", { status: "error", execution_count: count, ...failure, user_expressions: {} });
      return;
    }
    if (result) this.publish("execute_result", { execution_count: count, data: result as JsonObject, metadata: {} }, request);
    await this.reply("shell", request, "execute_reply", { status: "ok", execution_count: count, user_expressions: {}, payload: [] });
  }

  /**
   * Like ipykernel: executes that already arrived behind a failed cell are not run (they relied on
   * it). Messages read from the socket before the next timer tick join the queue ahead of the marker
   * that ends the aborting, so they are aborted; later ones run normally.
   */
  private abortQueued(): void {
    this.aborting = true;
    this.abortedAt = Date.now();
    setTimeout(() => {
      this.shellQueue = this.shellQueue.then(() => {
        this.aborting = false;
      });
    }, 0);
  }

  private interrupt(): void {
    if (this.cellStarting) this.interruptedBeforeStart = true;
    this.engine.interrupt();
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
    return { status: "ok", found: text !== undefined, data: text === undefined ? {} : { "text/plain": text }, metadata: {} };
  }

  private async shutdown(request: Message, channel: RequestChannel): Promise<void> {
    const content = { status: "ok", restart: request.content.restart === true };
    await this.reply(channel, request, "shutdown_reply", content);
    // IPython also broadcasts the reply on IOPub so every client learns of the shutdown.
    this.publish("shutdown_reply", content, request);
    setImmediate(() => void this.stop(0));
  }

  // ------------------------------------------------------------------------------------------------
  // Output

  private reply(channel: RequestChannel, request: Message, msgType: string, content: JsonObject): Promise<void> {
    return this.channels.send(channel, createMessage(msgType, content, { parent: request, session: this.session }));
  }

  /** Publishes on IOPub, after any stream text still buffered (so output keeps its order). */
  private publish(msgType: string, content: JsonObject, parent?: Message): void {
    this.flushStream();
    void this.channels.publish(createMessage(msgType, content, { parent, session: this.session }));
  }

  /** Buffers consecutive writes to one stream of one cell into a single `stream` message. */
  private stream(name: StreamName, text: string, scope: CellScope): void {
    if (this.stopping || scope.discard) return;
    const pending = this.pendingStream;
    if (pending && pending.name === name && pending.parent === scope.parent) {
      pending.text += text;
    } else {
      this.flushStream();
      this.pendingStream = { name, text, parent: scope.parent };
    }
    if (!this.streamFlushScheduled) {
      this.streamFlushScheduled = true;
      setImmediate(() => {
        this.streamFlushScheduled = false;
        this.flushStream();
      });
    }
  }

  private flushStream(): void {
    const pending = this.pendingStream;
    if (!pending) return;
    this.pendingStream = undefined;
    void this.channels.publish(createMessage("stream", { name: pending.name, text: pending.text }, { parent: pending.parent, session: this.session }));
  }

  private sendDisplay(bundle: MimeBundle, displayId: string | undefined, update: boolean, metadata: { [key: string]: unknown }): void {
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
    this.publish(update ? "update_display_data" : "display_data", content, scope.parent);
  }

  /** An error no cell caught (a throwing timer callback): shown in the cell that created it. */
  private reportStray(kind: string, error: unknown): void {
    const text = error instanceof Error ? error.stack ?? error.message : String(error);
    if (cellContext.getStore()) process.stderr.write(`${kind}: ${text}\n`);
    else kernelLog(`${kind}: ${text}`);
  }

  // ------------------------------------------------------------------------------------------------
  // Start-up work and shutdown

  /**
   * Creating tslab's converter blocks the event loop for seconds, so it waits until the client got its
   * `kernel_info_reply` (and IOPub status): it starts after a quiet spell following that reply (clients
   * resend kernel_info until IOPub works), or at the first other request.
   */
  private scheduleWarmUp(delayMs: number): void {
    if (this.warm) return;
    clearTimeout(this.warmUpTimer);
    this.warmUpTimer = setTimeout(() => {
      this.warmUpTimer = undefined;
      // Through the shell queue: the engine must never run two things at once.
      this.shellQueue = this.shellQueue.then(() => this.ensureWarm());
    }, delayMs);
  }

  /** Creates the engine and declares the cell globals, once; requests that need the engine await it. */
  private ensureWarm(): Promise<void> {
    this.warm ??= this.warmUp();
    return this.warm;
  }

  private async warmUp(): Promise<void> {
    clearTimeout(this.warmUpTimer);
    try {
      this.engine.warmUp();
      await this.engine.declareGlobals(CELL_GLOBALS_PRELUDE, CELL_GLOBALS);
    } catch (error) {
      kernelLog(`engine warm-up failed: ${(error as Error).stack ?? error}`);
    }
    if (this.options.preloadBackend !== false) setTimeout(() => this.preloadBackend(), 50);
  }

  /** Loads optimlab's backend the way the notebook will import it, so the first cell is fast. */
  private preloadBackend(): void {
    if (this.stopping || this.shellWaiting > 0) return;
    const cwd = this.options.cwd ?? process.cwd();
    const requireFromNotebook = createRequire(path.join(cwd, "__optimlab_preload__.js"));
    let backendPath: string;
    try {
      backendPath = requireFromNotebook.resolve("optimlab/dist/src/backend");
    } catch {
      return; // optimlab is not importable from this folder: nothing to warm
    }
    // TensorFlow.js greets on load; that message belongs to no cell, so this scope discards output.
    const quiet: CellScope = { parent: createMessage("preload", {}, { session: this.session }), pending: [], discard: true };
    cellContext.run(quiet, () => {
      try {
        const backend = requireFromNotebook(backendPath) as { ready?: () => Promise<unknown> };
        // Start choosing the backend now, so `await backend.ready()` in the first cell is quick.
        if (typeof backend.ready === "function") void backend.ready().catch(() => undefined);
      } catch (error) {
        kernelLog(`could not preload ${backendPath}: ${(error as Error).message}`);
      }
    });
  }

  /** Closes sockets and the engine, then reports the exit code (idempotent). */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.warmUpTimer);
    this.flushStream();
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
async function settleAll(pending: Promise<unknown>[]): Promise<void> {
  for (let done = 0; done < pending.length; ) {
    const batch = pending.slice(done);
    done = pending.length;
    await Promise.allSettled(batch);
  }
}
