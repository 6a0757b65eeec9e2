/**
 * The browser side of jupyterlabServices.test.ts: JupyterLab 4's client stack against a live optimlab
 * kernel. A notebook session is started the way a JupyterLab notebook panel starts one
 * (`SessionManager.startNew` on @jupyterlab/services 7, JupyterLab 4's package, over Debian's Notebook
 * server's REST and websocket API); the ipywidgets 8 models run in an `HTMLManager`
 * (@jupyter-widgets/base-manager's ManagerBase); the Output model captures its `msg_id` through
 * `kernel.registerMessageHook`, as @jupyter-widgets/jupyterlab-manager's Output model does (that package
 * is JupyterLab's widget extension, not in node_modules here). Each step records a check on
 * `window.labTest`; the Node test asserts the list.
 */
import { KernelManager, SessionManager } from "@jupyterlab/services";
import type { KernelMessage } from "@jupyterlab/services";
import * as htmlOutput from "@jupyter-widgets/html-manager/lib/output";
import type { WidgetModel } from "@jupyter-widgets/base";
import { KernelWidgetManager, WIDGET_VIEW, pageServerSettings } from "./kernelWidgetManager";

interface LabTest {
  phase: string;
  error?: string;
  passed: string[];
}
const state: LabTest = { phase: "starting", passed: [] };
(window as unknown as { labTest: LabTest }).labTest = state;

function check(name: string, condition: boolean, detail: unknown = ""): void {
  if (!condition) throw new Error(`${name}: ${JSON.stringify(detail)}`);
  state.passed.push(name);
}

/** Resolves when `test()` holds (polled: the kernel answers over a websocket), or fails after `ms`. */
async function until<T>(what: string, test: () => T | undefined, ms = 120_000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = test();
    if (value !== undefined && value !== false) return value;
    if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type IopubContent = { [key: string]: unknown };
type Model = WidgetModel & { widget_manager: LabWidgetManager };

/** jupyterlab-manager's Output model: while `msg_id` is set, that request's IOPub output goes into this widget. */
class LabOutputModel extends htmlOutput.OutputModel {
  private hooked = "";

  override initialize(attributes: never, options: never): void {
    super.initialize(attributes, options);
    this.on("change:msg_id", () => this.resetMsgId());
  }

  private readonly hook = (message: KernelMessage.IIOPubMessage): boolean => {
    const type = message.header.msg_type;
    if (type === "stream" || type === "display_data" || type === "execute_result" || type === "error") {
      this.outputs.add({ ...(message.content as IopubContent), output_type: type } as never);
      return false; // handled here: the cell does not show it
    }
    return true;
  };

  private resetMsgId(): void {
    const kernel = (this as unknown as Model).widget_manager.kernel;
    if (this.hooked) kernel.removeMessageHook(this.hooked, this.hook);
    this.hooked = this.get("msg_id") as string;
    if (this.hooked) kernel.registerMessageHook(this.hooked, this.hook);
  }
}

/** The shared manager plus jupyterlab-manager's Output model (see LabOutputModel). */
class LabWidgetManager extends KernelWidgetManager {
  override async loadClass(className: string, moduleName: string, moduleVersion: string): Promise<never> {
    if (moduleName === "@jupyter-widgets/output" && className === "OutputModel") return LabOutputModel as never;
    return (await super.loadClass(className, moduleName, moduleVersion)) as never;
  }
}

async function main(): Promise<void> {
  const serverSettings = pageServerSettings();
  const kernelManager = new KernelManager({ serverSettings });
  const sessions = new SessionManager({ kernelManager, serverSettings });
  const session = await sessions.startNew({
    path: "lab-test.ipynb",
    name: "lab-test.ipynb",
    type: "notebook",
    kernel: { name: "optimlab" },
  });
  const kernel = session.kernel;
  if (!kernel) throw new Error("the session has no kernel");
  await kernel.info;
  check("SessionManager starts a notebook session on the optimlab kernel", kernel.name === "optimlab", kernel.name);
  state.phase = "kernel started";

  // Every message the kernel connection sends or receives, in order.
  const sent: KernelMessage.IMessage[] = [];
  const received: KernelMessage.IMessage[] = [];
  kernel.anyMessage.connect((_, { msg, direction }) => (direction === "send" ? sent : received).push(msg));
  const childrenOf = (msgId: string, type?: string) =>
    received.filter(
      (m) =>
        m.parent_header &&
        "msg_id" in m.parent_header &&
        m.parent_header.msg_id === msgId &&
        (!type || m.header.msg_type === type),
    );
  const streamOf = (msgId: string) =>
    childrenOf(msgId, "stream")
      .map((m) => (m.content as { text: string }).text)
      .join("");

  // A front-end comm target the kernel opens a comm to, and closes.
  const fromKernel: string[] = [];
  kernel.registerCommTarget("optimlab.lab.frontend", (comm, open) => {
    fromKernel.push(`open ${JSON.stringify(open.content.data)}`);
    comm.onMsg = (message) => void fromKernel.push(`msg ${JSON.stringify(message.content.data)}`);
    comm.onClose = (message) => void fromKernel.push(`close ${JSON.stringify(message.content.data)}`);
  });

  const manager = new LabWidgetManager(kernel);
  const code = (window as unknown as { WIDGET_CODE: string }).WIDGET_CODE;
  const views: string[] = [];
  const future = kernel.requestExecute({ code, store_history: true });
  future.onIOPub = (message) => {
    if (message.header.msg_type !== "display_data") return;
    const view = (message.content as { data: { [WIDGET_VIEW]?: { model_id: string } } }).data[WIDGET_VIEW];
    if (view) views.push(view.model_id);
  };
  const reply = await future.done;
  check("the cell runs through the session's kernel", reply.content.status === "ok", reply.content);
  const ids = JSON.parse(
    received
      .filter((m) => m.header.msg_type === "stream")
      .map((m) => (m.content as { text: string }).text)
      .join("")
      .trim()
      .split("\n")
      .at(-1) ?? "{}",
  ) as { [name: string]: string };

  // Render the box: models opened by the kernel (comm_open), views built by the manager.
  const box = await manager.get_model(views[0]);
  const host = document.getElementById("widgets") as HTMLElement;
  await manager.display_view(await manager.create_view(box), host);
  state.phase = "rendered";
  const slider = await manager.get_model(ids.alpha);
  const label = await manager.get_model(ids.status);
  check(
    "kernel comm_open creates the widget models in the front end",
    slider.get("value") === 0.1 && label.get("value") === "α = 0.10",
  );
  await until("the slider's view", () => host.querySelector(".widget-slider .noUi-handle"));

  // A slider value change from the front end (what dragging does: set + save_changes → comm_msg update).
  slider.set("value", 0.7);
  slider.save_changes();
  const update = await until("the update comm_msg", () =>
    sent.find((m) => m.header.msg_type === "comm_msg" && (m.content as { comm_id: string }).comm_id === ids.alpha),
  );
  const updateId = update.header.msg_id;
  await until("the observer's label update", () => label.get("value") === "α = 0.70");
  check(
    "a front-end slider change reaches the kernel's observer, whose update reaches the front end",
    slider.get("value") === 0.7,
  );
  await until("the observer's output", () => streamOf(updateId) === "alpha -> 0.7\n");
  check("the observer's output is a child of the front end's comm_msg", true);
  check(
    "the kernel echoes the update (echo_update)",
    childrenOf(updateId, "comm_msg").some(
      (m) => (m.content as { data: { method?: string } }).data.method === "echo_update",
    ),
  );

  // Output capture: a click runs out.capture(...) in the kernel; the print lands in the Output widget.
  const out = (await manager.get_model(ids.out)) as unknown as LabOutputModel;
  const button = await manager.get_model(ids.go);
  button.send({ event: "click" }, {});
  const click = await until("the click comm_msg", () =>
    sent.find((m) => m.header.msg_type === "comm_msg" && (m.content as { comm_id: string }).comm_id === ids.go),
  );
  const capturedText = () =>
    (out.outputs.toJSON() as Array<{ text?: string | string[] }>).map((o) => [o.text ?? ""].flat().join("")).join("");
  // One stream output: JupyterLab's output area merges consecutive stream messages.
  await until("the captured output", () => capturedText() === "captured before await\ncaptured after await\n");
  check(
    "Output.capture puts the click's output into the Output widget (kernel.registerMessageHook)",
    childrenOf(click.header.msg_id, "stream").length === 2,
    capturedText(),
  );
  await until("msg_id reset", () => out.get("msg_id") === "");
  check("the Output widget's msg_id is reset after the capture", true);

  // Raw comms opened by the front end: open (with data and a buffer), message, echo, close.
  const comm = kernel.createComm("optimlab.lab.echo");
  const echoes: string[] = [];
  comm.onMsg = (message) => void echoes.push(`${JSON.stringify(message.content.data)} ${message.buffers?.length ?? 0}`);
  const opened = comm.open({ hello: 1 }, {}, [new Uint8Array([1, 2, 3])]);
  await opened.done;
  check(
    "a front-end comm_open reaches the kernel's target",
    streamOf(opened.msg.header.msg_id) === 'opened {"hello":1} 1\n',
    streamOf(opened.msg.header.msg_id),
  );
  await comm.send({ n: 2 }, {}, [new Uint8Array([7, 8]), new Uint8Array([9])]).done;
  await until("the echo", () => echoes.length === 1 || undefined);
  check(
    "front-end comm_msg with buffers is answered by the kernel",
    echoes[0] === '{"got":{"n":2},"sizes":[2,1]} 2',
    echoes,
  );
  const info = await kernel.requestCommInfo({ target_name: "optimlab.lab.echo" });
  check(
    "comm_info lists the open comm",
    info.content.status === "ok" && comm.commId in info.content.comms,
    info.content,
  );
  const closed = comm.close({ bye: true });
  await closed.done;
  check(
    "a front-end comm_close runs the kernel's close handler",
    streamOf(closed.msg.header.msg_id) === 'closed {"bye":true}\n',
  );

  // Comms opened and closed by the kernel, to a front-end target.
  const kernelSide = kernel.requestExecute({
    code: 'const lab = widgets.openComm("optimlab.lab.frontend", { from: "kernel" }); lab.send({ step: 1 }); lab.close({ done: true });',
  });
  await kernelSide.done;
  await until("the kernel's comm", () => fromKernel.length === 3 || undefined);
  check(
    "a kernel-opened comm reaches the front-end target: open, msg, close",
    fromKernel.join(" | ") === 'open {"from":"kernel"} | msg {"step":1} | close {"done":true}',
    fromKernel,
  );
  state.phase = "done";
  await session.shutdown();
}

main().catch((error: unknown) => {
  state.error = String((error as Error).stack ?? error);
});
