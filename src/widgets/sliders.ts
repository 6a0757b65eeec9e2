/**
 * `FloatSlider`, `FloatLogSlider`, `IntSlider`: a number dragged within [min, max].
 *
 * Defaults are ipywidgets 8's (min 0, max 100, value 0; step 0.1 or 1). Values are clamped to the
 * range whichever side sets them, as ipywidgets does; an IntSlider rounds to an integer.
 */
import { Widget } from "./widget";
import { describedState, type DescribedOptions } from "./described";
import type { WireState } from "./wireState";

export interface SliderOptions extends DescribedOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Send values while dragging (default true); false sends only on release. */
  continuousUpdate?: boolean;
  /** d3-format of the readout, e.g. ".2f", ".3g", "d". */
  readoutFormat?: string;
  readout?: boolean;
  orientation?: "horizontal" | "vertical";
  behavior?: "drag-tap" | "drag-snap" | "tap" | "drag" | "snap";
  disabled?: boolean;
}

export interface LogSliderOptions extends SliderOptions {
  /** The slider moves the exponent: value = base ** position (default base 10). */
  base?: number;
}

export const badRangeMessage = (kind: string, min: number, max: number): string =>
  `${kind}: min (${min}) must be less than or equal to max (${max}).`;
export const notANumberMessage = (kind: string, name: string, value: unknown): string =>
  `${kind}: ${name} must be a finite number; got ${String(value)}.`;

export const badBaseMessage = (base: number): string =>
  `FloatLogSlider: base must be a positive number other than 1 (value = base ** exponent); got ${base}.`;

const SLIDER_STYLE: WireState = { description_width: "", handle_color: null };

/** base ** exponent, exact for negative integer exponents (10 ** -5 is 0.000009999999999999999; 1 / 10 ** 5 is 1e-5). */
function power(base: number, exponent: number): number {
  return exponent < 0 ? 1 / base ** -exponent : base ** exponent;
}

/** `value` when it is a finite number; else the TypeError that names the widget and the option. */
export function finite(kind: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(notANumberMessage(kind, name, value));
  return value;
}

/** `changes` with `min` and `max` rounded, for integer widgets (ipywidgets casts them with CInt). */
export function roundedBounds(changes: WireState): WireState {
  const rounded: WireState = { ...changes };
  for (const key of ["min", "max"] as const) {
    const bound = changes[key];
    if (typeof bound === "number") rounded[key] = Math.round(bound);
  }
  return rounded;
}

/**
 * A bounded value's changes, whichever side made them (sliders, Play): min ≤ max, and the value
 * clamped into the range (`range` maps min/max to value units) and rounded (`round`).
 */
export function coerceBounded(
  kind: string,
  changes: WireState,
  current: { min: number; max: number; value: number },
  range: (min: number, max: number) => [number, number] = (min, max) => [min, max],
  round: (value: number) => number = (value) => value,
): WireState {
  const min = typeof changes.min === "number" ? changes.min : current.min;
  const max = typeof changes.max === "number" ? changes.max : current.max;
  if (min > max) throw new RangeError(badRangeMessage(kind, min, max));
  const [low, high] = range(min, max);
  const value = typeof changes.value === "number" ? changes.value : current.value;
  const clamped = round(Math.min(high, Math.max(low, value)));
  return clamped === value && !("value" in changes) ? changes : { ...changes, value: clamped };
}

abstract class NumberSlider extends Widget {
  protected abstract readonly kind: string;

  get value(): number {
    return this.get<number>("value");
  }

  set value(value: number) {
    this.set({ value: finite(this.kind, "value", value) });
  }

  get min(): number {
    return this.get<number>("min");
  }

  set min(min: number) {
    this.set({ min: finite(this.kind, "min", min) });
  }

  get max(): number {
    return this.get<number>("max");
  }

  set max(max: number) {
    this.set({ max: finite(this.kind, "max", max) });
  }

  get description(): string {
    return this.get<string>("description");
  }

  /** The value range in value units (a log slider's min/max are exponents). */
  protected range(min: number, max: number): [number, number] {
    return [min, max];
  }

  protected round(value: number): number {
    return value;
  }

  protected override coerce(changes: WireState): WireState {
    return coerceBounded(
      this.kind,
      changes,
      this,
      (min, max) => this.range(min, max),
      (value) => this.round(value),
    );
  }
}

function sliderState(
  kind: string,
  options: SliderOptions,
  defaults: { max: number; step: number; readoutFormat: string },
): WireState {
  const min = finite(kind, "min", options.min ?? 0);
  const max = finite(kind, "max", options.max ?? defaults.max);
  if (min > max) throw new RangeError(badRangeMessage(kind, min, max));
  return {
    ...describedState(options, "SliderStyleModel", SLIDER_STYLE),
    behavior: options.behavior ?? "drag-tap",
    continuous_update: options.continuousUpdate ?? true,
    disabled: options.disabled ?? false,
    max,
    min,
    orientation: options.orientation ?? "horizontal",
    readout: options.readout ?? true,
    readout_format: options.readoutFormat ?? defaults.readoutFormat,
    step: finite(kind, "step", options.step ?? defaults.step),
  };
}

/** A float slider (`FloatSliderModel`). */
export class FloatSlider extends NumberSlider {
  protected readonly kind = "FloatSlider";

  constructor(options: SliderOptions = {}) {
    const state = sliderState("FloatSlider", options, { max: 100, step: 0.1, readoutFormat: ".2f" });
    const value = Math.min(
      state.max as number,
      Math.max(state.min as number, finite("FloatSlider", "value", options.value ?? 0)),
    );
    super({ model: "FloatSliderModel", view: "FloatSliderView" }, { ...state, value });
  }
}

/** An integer slider (`IntSliderModel`). */
export class IntSlider extends NumberSlider {
  protected readonly kind = "IntSlider";

  constructor(options: SliderOptions = {}) {
    const state = sliderState("IntSlider", options, { max: 100, step: 1, readoutFormat: "d" });
    const value = Math.round(
      Math.min(state.max as number, Math.max(state.min as number, finite("IntSlider", "value", options.value ?? 0))),
    );
    super(
      { model: "IntSliderModel", view: "IntSliderView" },
      {
        ...state,
        min: Math.round(state.min as number),
        max: Math.round(state.max as number),
        step: Math.round(state.step as number) || 1,
        value,
      },
    );
  }

  protected override round(value: number): number {
    return Math.round(value);
  }

  /** min and max are integers too (ipywidgets casts them with CInt), whichever side sets them. */
  protected override coerce(changes: WireState): WireState {
    return super.coerce(roundedBounds(changes));
  }
}

/**
 * A slider over exponents (`FloatLogSliderModel`): `min`/`max`/`step` are exponents of `base`,
 * `value` is the number itself, e.g. `new FloatLogSlider({ value: 1e-3, min: -5, max: 0 })` for a learning rate.
 */
export class FloatLogSlider extends NumberSlider {
  protected readonly kind = "FloatLogSlider";

  constructor(options: LogSliderOptions = {}) {
    const state = sliderState("FloatLogSlider", options, { max: 4, step: 0.1, readoutFormat: ".3g" });
    const base = finite("FloatLogSlider", "base", options.base ?? 10);
    if (!(base > 0) || base === 1) throw new RangeError(badBaseMessage(base));
    const low = power(base, state.min as number);
    const high = power(base, state.max as number);
    const value = Math.min(high, Math.max(low, finite("FloatLogSlider", "value", options.value ?? 1)));
    super({ model: "FloatLogSliderModel", view: "FloatLogSliderView" }, { ...state, base, value });
  }

  get base(): number {
    return this.get<number>("base");
  }

  protected override range(min: number, max: number): [number, number] {
    return [power(this.base, min), power(this.base, max)];
  }
}
