/**
 * What both browser pages share: the page's Jupyter server settings (token from the URL) and an
 * ipywidgets `HTMLManager` whose comms are a live kernel's, wired the way JupyterLab's widget
 * manager wires them (comm target "jupyter.widget", comm_info for reconnects).
 */
import { ServerConnection } from "@jupyterlab/services";
import type { Kernel } from "@jupyterlab/services";
import { HTMLManager } from "@jupyter-widgets/html-manager";
import { shims } from "@jupyter-widgets/base";
import type { IClassicComm } from "@jupyter-widgets/base";

export const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";

/** The server this page was served from, with the token the test put in the page's URL. */
export function pageServerSettings(): ServerConnection.ISettings {
  const params = new URLSearchParams(location.search);
  return ServerConnection.makeSettings({
    baseUrl: `${location.origin}/`,
    wsUrl: `ws://${location.host}/`,
    token: params.get("token") ?? "",
    appendToken: true,
  });
}

export class KernelWidgetManager extends HTMLManager {
  constructor(readonly kernel: Kernel.IKernelConnection) {
    super();
    kernel.registerCommTarget("jupyter.widget", async (comm, message) => {
      await this.handle_comm_open(new shims.services.Comm(comm), message);
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
