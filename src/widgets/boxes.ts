/**
 * `HBox`, `VBox`: lay widgets out in a row or a column (`children` are model references on the wire),
 * and `jslink`: keep two attributes equal in the front end, with no kernel round trip.
 */
import { domState, modelReference, Widget, type DOMWidgetOptions } from "./widget";
import { camelCase, snakeCase } from "./wireState";

export interface BoxOptions extends DOMWidgetOptions {
  boxStyle?: "success" | "info" | "warning" | "danger" | "";
}

abstract class Box extends Widget {
  private items: Widget[];

  protected constructor(model: string, view: string, children: readonly Widget[], options: BoxOptions) {
    super(
      { model, view },
      { ...domState(options), box_style: options.boxStyle ?? "", children: children.map(modelReference) },
    );
    this.items = [...children];
  }

  get children(): readonly Widget[] {
    return this.items;
  }

  set children(children: readonly Widget[]) {
    this.items = [...children];
    this.set({ children: children.map(modelReference) });
  }
}

/** Children side by side (`HBoxModel`). */
export class HBox extends Box {
  constructor(children: readonly Widget[] = [], options: BoxOptions = {}) {
    super("HBoxModel", "HBoxView", children, options);
  }
}

/** Children one under another (`VBoxModel`). */
export class VBox extends Box {
  constructor(children: readonly Widget[] = [], options: BoxOptions = {}) {
    super("VBoxModel", "VBoxView", children, options);
  }
}

/** The widget's class name as front ends know it (`IntSlider` for `IntSliderModel`). */
function modelName(widget: Widget): string {
  const model = widget.wireState()._model_name;
  return (typeof model === "string" ? model : "Widget").replace(/Model$/, "");
}

export const noSuchTraitMessage = (widget: Widget, name: string, side: "source" | "target"): string =>
  `jslink: no such trait: ${modelName(widget)}.${name} (${side}); use one of ${modelName(widget)}'s synced attributes: ` +
  Object.keys(widget.wireState())
    .filter((key) => !key.startsWith("_"))
    .map(camelCase)
    .join(", ");

/** ipywidgets' WidgetTraitTuple check: the attribute must be one the widget syncs, or the link silently does nothing. */
function checkTrait([widget, name]: readonly [Widget, string], side: "source" | "target"): void {
  if (!(snakeCase(name) in widget.wireState())) throw new TypeError(noSuchTraitMessage(widget, name, side));
}

/** A front-end link between two widget attributes (`LinkModel`, no view). */
export class Link extends Widget {
  constructor(source: readonly [Widget, string], target: readonly [Widget, string]) {
    checkTrait(source, "source");
    checkTrait(target, "target");
    super(
      { model: "LinkModel", view: null },
      {
        source: [modelReference(source[0]), snakeCase(source[1])],
        target: [modelReference(target[0]), snakeCase(target[1])],
      },
    );
  }

  /** Removes the link (closes its model). */
  unlink(): void {
    this.close();
  }
}

/**
 * Keeps `target`'s attribute equal to `source`'s, in the browser (ipywidgets' `jslink`): a Play
 * button driving a slider animates without the kernel. Attribute names in camelCase.
 *
 * @example jslink([play, "value"], [slider, "value"])
 */
export function jslink(source: readonly [Widget, string], target: readonly [Widget, string]): Link {
  return new Link(source, target);
}
