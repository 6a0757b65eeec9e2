/**
 * `Dropdown` and `ToggleButtons`: pick one of `options`.
 *
 * On the wire only the labels (`_options_labels`) and the chosen `index` travel (ipywidgets 8's
 * protocol); the values stay in the kernel, so options can be any objects (an optimizer factory,
 * a schedule). An option is a value (its label is `String(value)`) or a `[label, value]` pair. Labels
 * travel in the reader's language (src/i18n's catalog, like descriptions and figure titles).
 */
import { translate } from "../i18n/translate";
import { Widget, type WidgetChange } from "./widget";
import { describedState, DESCRIPTION_STYLE, type DescribedOptions } from "./described";
import type { WireState, WireValue } from "./wireState";

export type SelectionOption<T> = T | readonly [string, T];

export interface SelectionOptions<T> extends DescribedOptions {
  options: ReadonlyArray<SelectionOption<T>>;
  /** The chosen value (default: the first option). */
  value?: T;
  disabled?: boolean;
}

export interface ToggleButtonsOptions<T> extends SelectionOptions<T> {
  tooltips?: string[];
  icons?: string[];
  buttonStyle?: "primary" | "success" | "info" | "warning" | "danger" | "";
}

export const notAnOptionMessage = (kind: string, value: unknown, labels: readonly string[]): string =>
  `${kind}: ${String(value)} is not one of the options (${labels.join(", ")}).`;
export const noOptionsMessage = (kind: string): string => `${kind}: pass at least one option in \`options\`.`;

function isPair<T>(option: SelectionOption<T>): option is readonly [string, T] {
  return Array.isArray(option) && option.length === 2 && typeof option[0] === "string";
}

function split<T>(kind: string, options: ReadonlyArray<SelectionOption<T>>): { labels: string[]; values: T[] } {
  if (options.length === 0) throw new RangeError(noOptionsMessage(kind));
  const labels = options.map((option) => (isPair(option) ? option[0] : String(option)));
  const values = options.map((option) => (isPair(option) ? option[1] : option));
  return { labels, values };
}

/**
 * The labels in the reader's language. Two distinct labels the catalog translates alike ("loss" and "Loss"
 * both become 损失) would look the same in the front end: those keep their original in parentheses.
 */
function translatedLabels(labels: readonly string[]): string[] {
  const translated = labels.map((label) => translate(label));
  const originals = new Map<string, Set<string>>();
  translated.forEach((shown, i) => originals.set(shown, (originals.get(shown) ?? new Set()).add(labels[i])));
  return translated.map((shown, i) =>
    (originals.get(shown)?.size ?? 0) > 1 && shown !== labels[i] ? `${shown} (${labels[i]})` : shown,
  );
}

function indexOf<T>(kind: string, values: readonly T[], labels: readonly string[], value: T): number {
  const at = values.indexOf(value);
  if (at < 0) throw new RangeError(notAnOptionMessage(kind, value, labels));
  return at;
}

abstract class Selection<T> extends Widget {
  protected abstract readonly kind: string;
  private readonly values: T[];
  private readonly labels: string[];

  protected constructor(
    model: string,
    view: string,
    kind: string,
    options: SelectionOptions<T>,
    styleModel: string,
    styleDefaults: WireState,
    extra: WireState = {},
  ) {
    const { labels, values } = split(kind, options.options);
    const index = options.value === undefined ? 0 : indexOf(kind, values, labels, options.value);
    super(
      { model, view },
      {
        ...describedState(options, styleModel, styleDefaults),
        // Shown in the reader's language (the phrase catalog); values, `label` and `options` stay as written.
        _options_labels: translatedLabels(labels),
        disabled: options.disabled ?? false,
        index,
        ...extra,
      },
    );
    this.values = values;
    this.labels = labels;
  }

  /** The chosen option's value. */
  get value(): T {
    return this.values[this.index];
  }

  set value(value: T) {
    this.set({ index: indexOf(this.kind, this.values, this.labels, value) });
  }

  get index(): number {
    return this.get<number>("index");
  }

  set index(index: number) {
    this.set({ index });
  }

  /** The chosen option's label. */
  get label(): string {
    return this.labels[this.index];
  }

  get options(): ReadonlyArray<readonly [string, T]> {
    return this.labels.map((label, i) => [label, this.values[i]] as const);
  }

  /** `Dropdown(value="adam", options=["sgd","adam"], description="…")`; a value that is not plain data shows as its label. */
  override toString(): string {
    const value = this.value;
    const plain =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null;
    const shown = [plain ? `value=${JSON.stringify(value)}` : `label=${JSON.stringify(this.label)}`];
    shown.push(`options=${JSON.stringify(this.labels)}`);
    const description = this.get<string>("description");
    if (description) shown.push(`description=${JSON.stringify(description)}`);
    return `${this.kind}(${shown.join(", ")})`;
  }

  protected override coerce(changes: WireState): WireState {
    const index = changes.index;
    if (index === undefined) return changes;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= this.values.length) {
      throw new RangeError(`${this.kind}: index ${JSON.stringify(index)} is out of range 0…${this.values.length - 1}.`);
    }
    return changes;
  }

  /** An `index` change is also a `value` and a `label` change, which is what observers usually watch. */
  protected override publicChanges(
    changed: ReadonlyArray<{ key: string; old: WireValue | undefined }>,
  ): WidgetChange[] {
    const changes = super.publicChanges(changed);
    const index = changed.find((change) => change.key === "index");
    if (index && typeof index.old === "number") {
      changes.push({ name: "value", old: this.values[index.old], new: this.value, owner: this });
      changes.push({ name: "label", old: this.labels[index.old], new: this.label, owner: this });
    }
    return changes;
  }
}

/** A drop-down list (`DropdownModel`). */
export class Dropdown<T = string> extends Selection<T> {
  protected readonly kind = "Dropdown";

  constructor(options: SelectionOptions<T>) {
    super("DropdownModel", "DropdownView", "Dropdown", options, "DescriptionStyleModel", DESCRIPTION_STYLE);
  }
}

/** A row of buttons, one pressed (`ToggleButtonsModel`). */
export class ToggleButtons<T = string> extends Selection<T> {
  protected readonly kind = "ToggleButtons";

  constructor(options: ToggleButtonsOptions<T>) {
    super(
      "ToggleButtonsModel",
      "ToggleButtonsView",
      "ToggleButtons",
      options,
      "ToggleButtonsStyleModel",
      { button_width: "", description_width: "", font_weight: "" },
      {
        button_style: options.buttonStyle ?? "",
        icons: options.icons ?? [],
        tooltips: options.tooltips ?? [],
      },
    );
  }
}
