/**
 * Widget round trip: a slider value change sent by a front end (`comm_msg` update) → the kernel's
 * `update` of the Output widget carrying the recomputed figure, for the momentum playground of
 * notebooks/12-playgrounds.ipynb (its own cells are executed, so the bench measures the real lesson:
 * a 60-step optim.SGD trajectory, a contour of the surface and the 51×61 rate diagram). Goal: median ≤ 150 ms.
 * Run alone: `node dist/bench/widgets.js`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, KernelHarness } from "../protocol/kernelHarness";
import type { Message } from "../protocol/wire";

export const WIDGET_GOAL_MS = 150;
const NOTEBOOK = path.join(REPO_ROOT, "notebooks", "12-playgrounds.ipynb");

function cellSource(id: string): string {
  const notebook = JSON.parse(fs.readFileSync(NOTEBOOK, "utf8")) as {
    cells: Array<{ id: string; source: string[] | string }>;
  };
  const cell = notebook.cells.find((c) => c.id === id);
  if (!cell) throw new Error(`bench/widgets: cell ${id} not found in ${NOTEBOOK}`);
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export interface WidgetBenchResult {
  medianMs: number;
  bestMs: number;
  worstMs: number;
  samples: number;
  load: string;
}

export async function measureWidgetRoundTrip(samples = 15, warmUp = 3): Promise<WidgetBenchResult> {
  const kernel = await KernelHarness.start({ cwd: path.join(REPO_ROOT, "notebooks") });
  try {
    for (const id of ["12-01", "12-03"]) {
      const { reply } = await kernel.execute(cellSource(id), {}, 180_000);
      if (reply.content.status !== "ok")
        throw new Error(`bench/widgets: cell ${id} failed: ${JSON.stringify(reply.content)}`);
    }
    const ids = await kernel.execute(
      "console.log(JSON.stringify({ beta: momentumControls.beta.modelId, out: momentumPlayground.output.modelId }))",
    );
    const text = ids.iopub
      .filter((m) => m.header.msg_type === "stream")
      .map((m) => String(m.content.text))
      .join("");
    const { beta, out } = JSON.parse(text) as { beta: string; out: string };
    const times: number[] = [];
    const values = [0.6, 0.7, 0.8, 0.9, 0.5];
    for (let i = 0; i < warmUp + samples; i++) {
      const started = performance.now();
      const request = kernel.send("shell", "comm_msg", {
        comm_id: beta,
        data: { method: "update", state: { value: values[i % values.length] }, buffer_paths: [] },
      });
      const isFigureUpdate = (m: Message): boolean => {
        const data = m.content.data as { method?: string; state?: { outputs?: unknown } } | undefined;
        return (
          m.header.msg_type === "comm_msg" &&
          m.content.comm_id === out &&
          m.parent_header.msg_id === request.header.msg_id &&
          data?.state?.outputs !== undefined
        );
      };
      await kernel.waitForIopub(isFigureUpdate, 60_000);
      if (i >= warmUp) times.push(performance.now() - started);
    }
    return {
      medianMs: median(times),
      bestMs: Math.min(...times),
      worstMs: Math.max(...times),
      samples,
      load: `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
    };
  } finally {
    await kernel.close();
  }
}

/** Rows for `npm run bench`. */
export async function benchWidgets(): Promise<Record<string, number | string>> {
  const r = await measureWidgetRoundTrip();
  return {
    "slider → updated figure, momentum playground, median (ms)": Number(r.medianMs.toFixed(1)),
    "  best / worst (ms)": `${r.bestMs.toFixed(1)} / ${r.worstMs.toFixed(1)} over ${r.samples} moves`,
    [`  goal ≤ ${WIDGET_GOAL_MS} ms`]: r.medianMs <= WIDGET_GOAL_MS ? "met" : "NOT met",
    "  machine": r.load,
  };
}

if (require.main === module) {
  benchWidgets()
    .then((rows) => {
      for (const [name, value] of Object.entries(rows)) console.log(`${name}: ${value}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    });
}
