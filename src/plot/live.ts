/**
 * `plot.live(figure)`: a figure shown once and then replaced in place, e.g. from a training loop or a
 * widget callback: `const view = plot.live(fig); … view.update(nextFig)`.
 *
 * In a notebook it is one output with a display id; each `update` sends `update_display_data`, which
 * every front end applies to that output wherever it is shown. Outside a notebook `update` prints the
 * new figure's summary, like `display`.
 */
import { randomUUID } from "node:crypto";
import { display, type DisplayHandle } from "../display/display";
import type { Figure } from "./figure";

export class LiveFigure {
  private readonly handle: DisplayHandle;
  private current: Figure;
  private updates = 0;

  constructor(figure: Figure, displayId: string = `optimlab-live-${randomUUID()}`) {
    this.current = figure;
    this.handle = display(figure, { displayId });
  }

  /** The display id the figure is shown under. */
  get displayId(): string {
    return this.handle.displayId;
  }

  /** The figure shown now. */
  get figure(): Figure {
    return this.current;
  }

  /** How many times the figure was replaced. */
  get updateCount(): number {
    return this.updates;
  }

  /** Replaces the shown figure with `figure`. */
  update(figure: Figure): void {
    this.current = figure;
    this.updates++;
    this.handle.update(figure);
  }
}

/** Shows `figure` now and returns a handle whose `update(next)` replaces it in place. */
export function live(figure: Figure, options: { displayId?: string } = {}): LiveFigure {
  return new LiveFigure(figure, options.displayId);
}
