/**
 * The browser side of the widget test: the real ipywidgets 8 front end (@jupyter-widgets/html-manager,
 * with base, controls and output) talking to a live optimlab kernel through a Jupyter server's REST and
 * websocket API (@jupyterlab/services, the client JupyterLab uses). Bundled with esbuild by
 * browser.test.ts; reports progress on `window.widgetTest`.
 */
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { HTMLManager } from "@jupyter-widgets/html-manager";
import { shims } from "@jupyter-widgets/base";
import type { IClassicComm } from "@jupyter-widgets/base";

const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";

interface TestState {
  phase: string;
  error?: string;
  modelIds: string[];
}
const state: TestState = { phase: "starting", modelIds: [] };
(window as unknown as { widgetTest: TestState }).widgetTest = state;

/** An HTMLManager whose comms go to a live kernel (as the web3 example of ipywidgets does). */
class KernelWidgetManager extends HTMLManager {
  constructor(private readonly kernel: Kernel.IKernelConnection) {
    super();
    kernel.registerCommTarget("jupyter.widget", async (comm, message) => {
      const classic = new shims.services.Comm(comm);
      await this.handle_comm_open(classic, message);
    });
  }

  override async _create_comm(
    targetName: string,
    modelId: string,
    data?: unknown,
    metadata?: unknown,
    buffers?: ArrayBuffer[] | ArrayBufferView[],
  ): Promise<IClassicComm> {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data as never, metadata as never, buffers as never);
    return new shims.services.Comm(comm);
  }

  override async _get_comm_info(): Promise<Record<string, unknown>> {
    const reply = await this.kernel.requestCommInfo({ target_name: "jupyter.widget" });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const settings = ServerConnection.makeSettings({
    baseUrl: `${location.origin}/`,
    wsUrl: `ws://${location.host}/`,
    token: params.get("token") ?? "",
    appendToken: true,
  });
  const kernels = new KernelManager({ serverSettings: settings });
  const kernel = await kernels.startNew({ name: "optimlab" });
  state.phase = "kernel started";
  const manager = new KernelWidgetManager(kernel);
  const code = (window as unknown as { WIDGET_CODE?: string }).WIDGET_CODE ?? params.get("code") ?? "";
  const future = kernel.requestExecute({ code, store_history: true });
  future.onIOPub = (message: KernelMessage.IIOPubMessage) => {
    if (message.header.msg_type === "display_data" || message.header.msg_type === "execute_result") {
      const data = (message.content as { data: Record<string, unknown> }).data;
      const view = data[WIDGET_VIEW] as { model_id: string } | undefined;
      if (!view) return;
      state.modelIds.push(view.model_id);
      void (async () => {
        const model = await manager.get_model(view.model_id);
        const widgetView = await manager.create_view(model);
        const host = document.getElementById("widgets") as HTMLElement;
        await manager.display_view(widgetView, host);
        state.phase = "rendered";
      })().catch((error: unknown) => {
        state.error = String((error as Error).stack ?? error);
      });
    } else if (message.header.msg_type === "error") {
      state.error = JSON.stringify(message.content);
    }
  };
  await future.done;
}

main().catch((error: unknown) => {
  state.error = String((error as Error).stack ?? error);
});
