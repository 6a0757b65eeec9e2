/**
 * `widgets`: live Jupyter widgets (ipywidgets 8's protocol 2.1) — sliders, choices, buttons, boxes,
 * Output — plus `interact(fn, controls)` which re-runs `fn` when a control moves.
 *
 * Front ends that render widgets (JupyterLab 4, Notebook 7, VS Code, classic Notebook with
 * ipywidgets installed) show the controls; others show text, or the static fallback `interact` builds.
 */
export {
  Widget,
  Layout,
  Style,
  modelReference,
  noWidgetsHelpMessage,
  WIDGET_VIEW_MIME,
  WIDGET_TARGET,
  WIDGET_CONTROL_TARGET,
  WIDGET_PROTOCOL_VERSION,
  type WidgetChange,
  type Observer,
  type DOMWidgetOptions,
  type LayoutOptions,
} from "./widget";
export type { DescribedOptions } from "./described";
export { FloatSlider, FloatLogSlider, IntSlider, type SliderOptions, type LogSliderOptions } from "./sliders";
export {
  Dropdown,
  ToggleButtons,
  type SelectionOptions,
  type SelectionOption,
  type ToggleButtonsOptions,
} from "./selection";
export {
  Checkbox,
  Button,
  Play,
  Label,
  HTML,
  type CheckboxOptions,
  type ButtonOptions,
  type PlayOptions,
  type TextOptions,
} from "./controls";
export { HBox, VBox, Link, jslink, type BoxOptions } from "./boxes";
export { Output } from "./output";
export {
  openComm,
  registerCommTarget,
  noKernelCommsMessage,
  type Comm,
  type CommData,
  type CommHandlers,
  type CommMessage,
  type CommTargetHandler,
  type CommJson,
} from "./comms";
export {
  interact,
  Interactive,
  staticNeedsOneMessage,
  staticUnknownMessage,
  staticNotFigureMessage,
  staticFnThrewMessage,
  type InteractContext,
  type InteractOptions,
  type Controls,
  type ValueControl,
  type ValuesOf,
} from "./interact";
export { RunScheduler, type RunContext, type RunState } from "./runScheduler";
