/**
 * Small controls: `Checkbox`, `Button`, `Play`, `Label`, `HTML`.
 */
import { keepRequestOpen } from "./commProtocol";
import { badRangeMessage, coerceBounded, finite, roundedBounds } from "./sliders";
import { Widget } from "./widget";
import { describedState, DESCRIPTION_STYLE, type DescribedOptions } from "./described";
import type { WireState } from "./wireState";

/** An error's stack (its `name: message` line first), or the thrown value. */
function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

export interface CheckboxOptions extends DescribedOptions {
  value?: boolean;
  disabled?: boolean;
  /** Leave room for a description column (default true). */
  indent?: boolean;
}

/** A check box (`CheckboxModel`). */
export class Checkbox extends Widget {
  constructor(options: CheckboxOptions = {}) {
    super(
      { model: "CheckboxModel", view: "CheckboxView" },
      {
        ...describedState(options, "CheckboxStyleModel", { background: null, description_width: "" }),
        disabled: options.disabled ?? false,
        indent: options.indent ?? true,
        value: options.value ?? false,
      },
    );
  }

  get value(): boolean {
    return this.get<boolean>("value");
  }

  set value(value: boolean) {
    this.set({ value: Boolean(value) });
  }

  protected override coerce(changes: WireState): WireState {
    return "value" in changes ? { ...changes, value: Boolean(changes.value) } : changes;
  }
}

export interface ButtonOptions extends Omit<DescribedOptions, "descriptionAllowHtml"> {
  disabled?: boolean;
  /** A Font Awesome icon name, e.g. "play". */
  icon?: string;
  buttonStyle?: "primary" | "success" | "info" | "warning" | "danger" | "";
}

/** A push button (`ButtonModel`); `onClick(cb)` runs `cb` on every click in the front end. */
export class Button extends Widget {
  private readonly clickHandlers: Array<(button: Button) => unknown> = [];

  constructor(options: ButtonOptions = {}) {
    const { description_allow_html: _ignored, ...state } = describedState(options, "ButtonStyleModel", {
      button_color: null,
      font_family: null,
      font_size: null,
      font_style: null,
      font_variant: null,
      font_weight: null,
      text_color: null,
      text_decoration: null,
    });
    super(
      { model: "ButtonModel", view: "ButtonView" },
      {
        ...state,
        button_style: options.buttonStyle ?? "",
        disabled: options.disabled ?? false,
        icon: options.icon ?? "",
      },
    );
    this.onCustom((content) => {
      if (typeof content === "object" && content !== null && !Array.isArray(content) && content.event === "click")
        this.click();
    });
  }

  get description(): string {
    return this.get<string>("description");
  }

  set description(text: string) {
    this.set({ description: text });
  }

  get disabled(): boolean {
    return this.get<boolean>("disabled");
  }

  set disabled(disabled: boolean) {
    this.set({ disabled });
  }

  /** Runs `callback(button)` on each click; returns a function that removes it. */
  onClick(callback: (button: Button) => unknown): () => void {
    this.clickHandlers.push(callback);
    return () => {
      const at = this.clickHandlers.indexOf(callback);
      if (at >= 0) this.clickHandlers.splice(at, 1);
    };
  }

  /**
   * Clicks the button from code (what a front-end click does). A handler that throws is reported on
   * stderr (the click's request) and the next handlers still run, as ipywidgets' `CallbackDispatcher` does.
   */
  click(): void {
    for (const handler of [...this.clickHandlers]) {
      let result: unknown;
      try {
        result = handler(this);
      } catch (error) {
        process.stderr.write(`Error in an onClick callback: ${errorText(error)}\n`);
        continue;
      }
      keepRequestOpen(result);
    }
  }
}

export interface PlayOptions extends DescribedOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Milliseconds between steps while playing (default 100). */
  interval?: number;
  repeat?: boolean;
  showRepeat?: boolean;
  disabled?: boolean;
}

/** A play/pause control that counts `value` from min to max in the front end (`PlayModel`); link it to a slider with `jslink`. */
export class Play extends Widget {
  constructor(options: PlayOptions = {}) {
    const min = Math.round(finite("Play", "min", options.min ?? 0));
    const max = Math.round(finite("Play", "max", options.max ?? 100));
    if (min > max) throw new RangeError(badRangeMessage("Play", min, max));
    const value = Math.round(Math.min(max, Math.max(min, finite("Play", "value", options.value ?? min))));
    super(
      { model: "PlayModel", view: "PlayView" },
      {
        ...describedState(options, "DescriptionStyleModel", DESCRIPTION_STYLE),
        disabled: options.disabled ?? false,
        interval: options.interval ?? 100,
        max,
        min,
        playing: false,
        repeat: options.repeat ?? false,
        show_repeat: options.showRepeat ?? true,
        step: options.step ?? 1,
        value,
      },
    );
  }

  get value(): number {
    return this.get<number>("value");
  }

  set value(value: number) {
    this.set({ value: finite("Play", "value", value) });
  }

  get min(): number {
    return this.get<number>("min");
  }

  /** Rounded to an integer, then checked against max; the value is clamped into the new range (as IntSlider). */
  set min(min: number) {
    this.set({ min: finite("Play", "min", min) });
  }

  get max(): number {
    return this.get<number>("max");
  }

  /** Rounded to an integer, then checked against min; the value is clamped into the new range (as IntSlider). */
  set max(max: number) {
    this.set({ max: finite("Play", "max", max) });
  }

  get playing(): boolean {
    return this.get<boolean>("playing");
  }

  /** A bounded integer, as ipywidgets' `Play`: rounded and clamped to [min, max], whichever side sets it. */
  protected override coerce(changes: WireState): WireState {
    return coerceBounded("Play", roundedBounds(changes), this, undefined, Math.round);
  }
}

export interface TextOptions extends DescribedOptions {
  value?: string;
  placeholder?: string;
}

const LABEL_STYLE: WireState = {
  background: null,
  description_width: "",
  font_family: null,
  font_size: null,
  font_style: null,
  font_variant: null,
  font_weight: null,
  text_color: null,
  text_decoration: null,
};

abstract class TextDisplay extends Widget {
  get value(): string {
    return this.get<string>("value");
  }

  set value(value: string) {
    this.set({ value: String(value) });
  }
}

function textState(options: TextOptions, styleModel: string, styleDefaults: WireState): WireState {
  return {
    ...describedState(options, styleModel, styleDefaults),
    placeholder: options.placeholder ?? "\u200b",
    value: options.value ?? "",
  };
}

/** One line of plain text (`LabelModel`). */
export class Label extends TextDisplay {
  constructor(options: TextOptions | string = {}) {
    const given = typeof options === "string" ? { value: options } : options;
    super({ model: "LabelModel", view: "LabelView" }, textState(given, "LabelStyleModel", LABEL_STYLE));
  }
}

/** HTML shown as is (`HTMLModel`): status lines, formulas as text, small tables. */
export class HTML extends TextDisplay {
  constructor(options: TextOptions | string = {}) {
    const given = typeof options === "string" ? { value: options } : options;
    super(
      { model: "HTMLModel", view: "HTMLView" },
      textState(given, "HTMLStyleModel", {
        background: null,
        description_width: "",
        font_size: null,
        text_color: null,
      }),
    );
  }
}
