/**
 * `Widget`: the kernel half of a Jupyter widget (widget message protocol 2.1, as ipywidgets 8 speaks it).
 *
 * Creating a widget opens a comm to the front end's `jupyter.widget` target carrying the model's full
 * state; from then on both sides send `update` messages with the keys that changed. An update from
 * the front end is applied, echoed back to every front end (`echo_update`, protocol 2.1) and then
 * reported to `observe` callbacks. Displaying a widget sends a view of its model
 * (`application/vnd.jupyter.widget-view+json`).
 *
 * Outside a kernel (a script, a test) there is no comm sink: the widget keeps its state locally and
 * observers still fire, so code using widgets runs everywhere.
 */
import { randomUUID } from "node:crypto";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { getCommSink, keepRequestOpen, type Comm, type CommJson, type CommMessage } from "./commProtocol";
import {
  camelCase,
  joinBuffers,
  sameValue,
  snakeCase,
  splitBuffers,
  type BufferPath,
  type WireState,
  type WireValue,
} from "./wireState";

export const WIDGET_TARGET = "jupyter.widget";
export const WIDGET_CONTROL_TARGET = "jupyter.widget.control";
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
export const CONTROLS_MODULE = "@jupyter-widgets/controls";
export const BASE_MODULE = "@jupyter-widgets/base";
export const OUTPUT_MODULE = "@jupyter-widgets/output";
/** Model module versions of ipywidgets 8 (controls/base 2.0.0, output 1.0.0). */
export const MODULE_VERSIONS: { readonly [module: string]: string } = {
  [CONTROLS_MODULE]: "2.0.0",
  [BASE_MODULE]: "2.0.0",
  [OUTPUT_MODULE]: "1.0.0",
};

/** The text front ends without widget support show instead of the widget. */
export const noWidgetsHelpMessage = (): string =>
  "(a live widget: to see it, install ipywidgets in the Jupyter environment — `pip install ipywidgets` or " +
  "`conda install -c conda-forge ipywidgets` — and reload; JupyterLab 4, Notebook 7 and VS Code then show it)";

/** Which front-end classes draw a model. */
export interface ModelIdentity {
  model: string;
  module?: string;
  /** `null` for view-less models (links). */
  view: string | null;
  viewModule?: string;
}

/** What an observer receives (names in camelCase, like the options). */
export interface WidgetChange<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
}

/** An observer may be async: what it prints after an `await` still goes to the change's request. */
export type Observer<T = unknown> = (change: WidgetChange<T>) => unknown;

/** Every live widget of this process, by model id: `jupyter.widget.control` answers with their states. */
const REGISTRY_KEY = Symbol.for("optimlab.widgets");
type RegistryHolder = { [REGISTRY_KEY]?: Map<string, Widget> };
function registry(): Map<string, Widget> {
  const holder = globalThis as RegistryHolder;
  return (holder[REGISTRY_KEY] ??= new Map<string, Widget>());
}

/** `IPY_MODEL_<id>`: how one model's state refers to another. */
export function modelReference(widget: Widget): string {
  return `IPY_MODEL_${widget.modelId}`;
}

export class Widget implements Displayable {
  readonly modelId: string;
  private readonly comm: Comm | undefined;
  private readonly wire: WireState;
  private readonly observers: Array<{ names: ReadonlySet<string> | undefined; callback: Observer }> = [];
  private readonly customHandlers: Array<(content: CommJson, buffers: Uint8Array[]) => void> = [];
  private open = true;

  constructor(identity: ModelIdentity, state: WireState) {
    const module = identity.module ?? CONTROLS_MODULE;
    const viewModule = identity.viewModule ?? module;
    this.wire = {
      _model_module: module,
      _model_module_version: MODULE_VERSIONS[module],
      _model_name: identity.model,
      _view_module: viewModule,
      _view_module_version: MODULE_VERSIONS[viewModule],
      _view_name: identity.view,
      ...state,
    };
    const sink = getCommSink();
    if (sink) {
      ensureControlTarget();
      const { state: json, buffers, bufferPaths } = splitBuffers(this.wire);
      this.comm = sink.open(
        WIDGET_TARGET,
        { state: json, buffer_paths: bufferPaths },
        { onMessage: (message) => this.receive(message), onClose: () => this.forget() },
        { buffers, metadata: { version: WIDGET_PROTOCOL_VERSION } },
      );
      this.modelId = this.comm.commId;
    } else {
      this.modelId = randomUUID().replace(/-/g, "");
    }
    registry().set(this.modelId, this);
  }

  /** The whole state as the front end sees it (snake_case keys), for tests and `jupyter.widget.control`. */
  wireState(): WireState {
    return structuredClone(this.wire);
  }

  /** False once closed (by `close()` or by the front end). */
  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Calls `callback({ name, old, new, owner })` after `names` change (default `"value"`), whether
   * the front end or the kernel changed them. Returns a function that stops observing.
   */
  observe<T = unknown>(callback: Observer<T>, names: string | readonly string[] = "value"): () => void {
    const entry = {
      names: names === "*" ? undefined : new Set(typeof names === "string" ? [names] : names),
      callback: callback as Observer,
    };
    this.observers.push(entry);
    return () => {
      const at = this.observers.indexOf(entry);
      if (at >= 0) this.observers.splice(at, 1);
    };
  }

  /** Sends a `custom` message to the front-end model (what ipywidgets' `Widget.send` does). */
  send(content: CommJson, buffers: Uint8Array[] = []): void {
    if (this.open) this.comm?.send({ method: "custom", content }, { buffers });
  }

  /** Closes the comm: front ends remove the widget's views. */
  close(): void {
    if (!this.open) return;
    this.comm?.close();
    this.forget();
  }

  /** The display bundle: a view of this model, and a text fallback saying how to get widgets. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.modelId },
      "text/plain": `${this.toString()}\n${noWidgetsHelpMessage()}`,
    };
  }

  /** `FloatSlider(value=0.5, description='α')`: the model name and the values a reader cares about. */
  toString(): string {
    const model = this.wire._model_name;
    const name = (typeof model === "string" ? model : "Widget").replace(/Model$/, "");
    const shown = ["value", "description"].filter((key) => this.wire[key] !== undefined && this.wire[key] !== "");
    return `${name}(${shown.map((key) => `${key}=${JSON.stringify(this.wire[key])}`).join(", ")})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ------------------------------------------------------------------------------------------------
  // For subclasses

  protected get<T extends WireValue>(key: string): T {
    return this.wire[key] as T;
  }

  /** Changes state from the kernel side: sends one `update` with the keys that changed, then notifies observers. */
  protected set(changes: WireState): void {
    const changed = this.apply(this.coerce(changes));
    if (changed.length === 0) return;
    if (this.open && this.comm) {
      const partial: WireState = {};
      for (const { key } of changed) partial[key] = this.wire[key];
      this.sendState("update", partial);
    }
    this.notify(changed);
  }

  /** Makes incoming values valid (clamping, rounding); by default accepts them as they are. */
  protected coerce(changes: WireState): WireState {
    return changes;
  }

  /** Maps changed wire keys to the changes observers see; subclasses add derived names (Dropdown's `value`). */
  protected publicChanges(changed: ReadonlyArray<{ key: string; old: WireValue | undefined }>): WidgetChange[] {
    return changed.map(({ key, old }) => ({ name: camelCase(key), old, new: this.wire[key], owner: this }));
  }

  /** Handles a `custom` message from the front end (Button clicks). */
  protected onCustom(handler: (content: CommJson, buffers: Uint8Array[]) => void): void {
    this.customHandlers.push(handler);
  }

  // ------------------------------------------------------------------------------------------------
  // Internals

  private apply(changes: WireState): Array<{ key: string; old: WireValue | undefined }> {
    const changed: Array<{ key: string; old: WireValue | undefined }> = [];
    for (const [key, value] of Object.entries(changes)) {
      const old = this.wire[key];
      if (sameValue(old, value)) continue;
      this.wire[key] = value;
      changed.push({ key, old });
    }
    return changed;
  }

  private notify(changed: ReadonlyArray<{ key: string; old: WireValue | undefined }>): void {
    for (const change of this.publicChanges(changed)) {
      for (const { names, callback } of [...this.observers]) {
        if (names === undefined || names.has(change.name)) keepRequestOpen(callback(change));
      }
    }
  }

  private sendState(method: "update" | "echo_update", state: WireState): void {
    const { state: json, buffers, bufferPaths } = splitBuffers(state);
    this.comm?.send({ method, state: json, buffer_paths: bufferPaths }, { buffers });
  }

  private receive(message: CommMessage): void {
    const data = message.data;
    switch (data.method) {
      case "update": {
        const json =
          typeof data.state === "object" && data.state !== null && !Array.isArray(data.state) ? data.state : {};
        const paths = Array.isArray(data.buffer_paths) ? (data.buffer_paths as BufferPath[]) : [];
        const incoming = joinBuffers(json, paths, message.buffers);
        // Protocol 2.1: echo what a front end set to all front ends first (ipywidgets 8 does the same),
        // so that an observer's own later `update` arrives after it.
        this.sendState("echo_update", incoming);
        const coerced = this.coerce(incoming);
        const changed = this.apply(coerced);
        // A value the kernel corrected (a slider clamped to its range) goes back as a normal update.
        const corrected: WireState = {};
        for (const key of Object.keys(incoming))
          if (!sameValue(incoming[key], coerced[key])) corrected[key] = this.wire[key];
        if (Object.keys(corrected).length > 0) this.sendState("update", corrected);
        this.notify(changed);
        return;
      }
      case "request_state":
        this.sendState("update", this.wire);
        return;
      case "custom":
        for (const handler of [...this.customHandlers]) handler(data.content ?? null, message.buffers);
        return;
      default:
        throw new Error(
          `widget ${this.modelId}: unknown method ${JSON.stringify(data.method)} (expected update, request_state or custom)`,
        );
    }
  }

  private forget(): void {
    this.open = false;
    registry().delete(this.modelId);
  }
}

/**
 * `jupyter.widget.control` (control protocol 1.0): a front end that (re)connects asks for every
 * widget's state in one `request_states` message. Registered once per kernel, on the first widget.
 */
function ensureControlTarget(): void {
  const sink = getCommSink();
  const MARK = Symbol.for("optimlab.widgets.controlTarget");
  const holder = sink as unknown as { [MARK]?: boolean } | undefined;
  if (!sink || !holder || holder[MARK]) return;
  holder[MARK] = true;
  sink.registerTarget(WIDGET_CONTROL_TARGET, (comm) => {
    comm.setHandlers({
      onMessage(message) {
        if (message.data.method !== "request_states") return;
        const states: WireState = {};
        for (const widget of registry().values()) {
          const state = widget.wireState();
          states[widget.modelId] = {
            model_name: state._model_name,
            model_module: state._model_module,
            model_module_version: state._model_module_version,
            state,
          };
        }
        const { state: json, buffers, bufferPaths } = splitBuffers(states);
        comm.send({ method: "update_states", states: json, buffer_paths: bufferPaths }, { buffers });
      },
    });
  });
}

/** Options every visible widget takes. */
export interface DOMWidgetOptions {
  /** CSS layout in camelCase (`width: "300px"`, `flexFlow`, …): becomes a LayoutModel. */
  layout?: LayoutOptions;
  tooltip?: string;
}

export type LayoutOptions = { [name: string]: string | undefined };

/** The layout model every visible widget references (CSS properties, snake_case on the wire). */
export class Layout extends Widget {
  constructor(options: LayoutOptions = {}) {
    super({ model: "LayoutModel", module: BASE_MODULE, view: "LayoutView" }, layoutState(options));
  }
}

const LAYOUT_KEYS = [
  "align_content",
  "align_items",
  "align_self",
  "border_bottom",
  "border_left",
  "border_right",
  "border_top",
  "bottom",
  "display",
  "flex",
  "flex_flow",
  "grid_area",
  "grid_auto_columns",
  "grid_auto_flow",
  "grid_auto_rows",
  "grid_column",
  "grid_gap",
  "grid_row",
  "grid_template_areas",
  "grid_template_columns",
  "grid_template_rows",
  "height",
  "justify_content",
  "justify_items",
  "left",
  "margin",
  "max_height",
  "max_width",
  "min_height",
  "min_width",
  "object_fit",
  "object_position",
  "order",
  "overflow",
  "padding",
  "right",
  "top",
  "visibility",
  "width",
];

export const unknownLayoutKey = (key: string): string =>
  `layout: unknown CSS property "${key}"; use border or one of ${LAYOUT_KEYS.map(camelCase).join(", ")}`;

function layoutState(options: LayoutOptions): WireState {
  const state: WireState = Object.fromEntries(LAYOUT_KEYS.map((key) => [key, null]));
  for (const [key, value] of Object.entries(options)) {
    const wireKey = snakeCase(key);
    if (wireKey === "border") {
      // ipywidgets' shorthand: the same border on all four sides
      for (const side of ["border_top", "border_right", "border_bottom", "border_left"]) state[side] = value ?? null;
      continue;
    }
    if (!LAYOUT_KEYS.includes(wireKey)) throw new Error(unknownLayoutKey(key));
    state[wireKey] = value ?? null;
  }
  return state;
}

/** A style model (`SliderStyleModel`, …): its defaults, overridden by camelCase options. */
export class Style extends Widget {
  constructor(model: string, defaults: WireState, options: { [name: string]: string | undefined } = {}) {
    const state: WireState = { ...defaults };
    for (const [key, value] of Object.entries(options)) {
      const wireKey = snakeCase(key);
      if (!(wireKey in defaults))
        throw new Error(
          `${model}: unknown style "${key}"; use one of ${Object.keys(defaults).map(camelCase).join(", ")}`,
        );
      state[wireKey] = value ?? null;
    }
    super({ model, view: "StyleView", viewModule: BASE_MODULE }, state);
  }
}

/** The state keys every DOMWidget has; opens its layout model first (front ends resolve references on creation). */
export function domState(options: DOMWidgetOptions): WireState {
  const layout = new Layout(options.layout);
  return { _dom_classes: [], layout: modelReference(layout), tabbable: null, tooltip: options.tooltip ?? null };
}
