/**
 * The browser side of the widget test: the real ipywidgets 8 front end (@jupyter-widgets/html-manager,
 * with base, controls and output) talking to a live optimlab kernel through a Jupyter server's REST and
 * websocket API (@jupyterlab/services, the client JupyterLab uses). Bundled with esbuild by
 * browser.test.ts; reports progress on `window.widgetTest`.
 */
import { KernelManager } from "@jupyterlab/services";
import type { KernelMessage } from "@jupyterlab/services";
import { KernelWidgetManager, WIDGET_VIEW, pageServerSettings } from "./kernelWidgetManager";

interface TestState {
  phase: string;
  error?: string;
  modelIds: string[];
}
const state: TestState = { phase: "starting", modelIds: [] };
(window as unknown as { widgetTest: TestState }).widgetTest = state;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const settings = pageServerSettings();
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
