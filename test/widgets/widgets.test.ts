/**
 * Widgets, comms and interact in-process: a recording CommSink stands in for the kernel, so every
 * message a widget sends (and every message a front end could send) is checked without ZeroMQ.
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { widgets, plot } from "../../src";
import {
  setCommSink,
  type Comm,
  type CommData,
  type CommHandlers,
  type CommMessage,
  type CommSink,
  type CommTargetHandler,
} from "../../src/widgets/commProtocol";
import { camelCase, joinBuffers, snakeCase, splitBuffers } from "../../src/widgets/wireState";
import { badRangeMessage, notANumberMessage } from "../../src/widgets/sliders";
import { notifyInterrupt } from "../../src/display/interruptListeners";
import { KeyboardInterrupt } from "../../src/train/interrupt";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { setLanguage } from "../../src/i18n/language";
import { translate } from "../../src/i18n/translate";
import { setDisplaySink, type MimeBundle } from "../../src/display/protocol";

interface Sent {
  kind: "open" | "msg" | "close";
  commId: string;
  target?: string;
  data: CommData;
  buffers: Uint8Array[];
  metadata?: CommData;
}

/** A kernel stand-in: records what widgets send and lets a test play the front end. */
class RecordingSink implements CommSink {
  readonly sent: Sent[] = [];
  readonly handlers = new Map<string, CommHandlers>();
  readonly targets = new Map<string, CommTargetHandler>();
  private next = 0;
  messageId = "request-1";

  open(
    targetName: string,
    data: CommData,
    handlers: CommHandlers,
    options: { buffers?: Uint8Array[]; metadata?: CommData } = {},
  ): Comm {
    const commId = `comm${this.next++}`;
    this.handlers.set(commId, handlers);
    this.sent.push({
      kind: "open",
      commId,
      target: targetName,
      data,
      buffers: options.buffers ?? [],
      metadata: options.metadata,
    });
    return {
      commId,
      targetName,
      send: (payload, o = {}) => {
        this.sent.push({ kind: "msg", commId, data: payload, buffers: o.buffers ?? [] });
      },
      close: (payload = {}) => {
        this.sent.push({ kind: "close", commId, data: payload, buffers: [] });
      },
      setHandlers: (h) => {
        this.handlers.set(commId, h);
      },
    };
  }

  registerTarget(targetName: string, handler: CommTargetHandler | undefined): void {
    if (handler) this.targets.set(targetName, handler);
  }

  currentMessageId(): string {
    return this.messageId;
  }

  /** The front end sends `data` to comm `commId`. */
  receive(commId: string, data: CommData, buffers: Uint8Array[] = []): void {
    const message: CommMessage = { data, buffers, metadata: {}, msgId: "front-end-msg" };
    this.handlers.get(commId)?.onMessage?.(message);
  }

  messagesTo(commId: string, method?: string): CommData[] {
    return this.sent
      .filter((s) => s.kind === "msg" && s.commId === commId && (method === undefined || s.data.method === method))
      .map((s) => s.data);
  }
}

/** A recording sink with request scopes, as the kernel has them (what a callback prints belongs to its request). */
class ScopedSink extends RecordingSink {
  scope: object | undefined = { request: "cell-1" };

  captureScope(): unknown {
    return this.scope;
  }

  runInScope<T>(scope: unknown, fn: () => T): T {
    const previous = this.scope;
    this.scope = scope as object | undefined;
    try {
      return fn();
    } finally {
      this.scope = previous;
    }
  }
}

describe("wire state", () => {
  it("converts names both ways", () => {
    assert.equal(snakeCase("continuousUpdate"), "continuous_update");
    assert.equal(camelCase("continuous_update"), "continuousUpdate");
    assert.equal(camelCase("_options_labels"), "_optionsLabels");
  });

  it("splits binary values into buffers with paths and joins them back", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const other = new Uint8Array([9]);
    const { state, buffers, bufferPaths } = splitBuffers({ a: 1, x: bytes, list: [0, other], nested: { y: bytes } });
    assert.deepEqual(state, { a: 1, list: [0, null], nested: {} });
    assert.deepEqual(bufferPaths, [["x"], ["list", 1], ["nested", "y"]]);
    assert.equal(buffers.length, 3);
    assert.deepEqual(joinBuffers(state, bufferPaths, buffers), {
      a: 1,
      x: bytes,
      list: [0, other],
      nested: { y: bytes },
    });
  });
});

describe("widgets outside a kernel", () => {
  it("keep values, clamp them and notify observers", () => {
    const slider = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1 });
    const seen: Array<[unknown, unknown]> = [];
    const stop = slider.observe((change) => seen.push([change.old, change.new]));
    slider.value = 0.8;
    slider.value = 7;
    assert.equal(slider.value, 1);
    stop();
    slider.value = 0.1;
    assert.deepEqual(seen, [
      [0.5, 0.8],
      [0.8, 1],
    ]);
    assert.throws(
      () => new widgets.FloatSlider({ min: 2, max: 1 }),
      /min \(2\) must be less than or equal to max \(1\)/,
    );
    assert.throws(() => {
      slider.value = Number.NaN;
    }, /value must be a finite number/);
  });

  it("IntSlider rounds, FloatLogSlider clamps to base ** [min, max]", () => {
    const steps = new widgets.IntSlider({ value: 2.6, max: 10 });
    assert.equal(steps.value, 3);
    const lr = new widgets.FloatLogSlider({ value: 1e-3, min: -5, max: 0 });
    lr.value = 10;
    assert.equal(lr.value, 1);
    lr.value = 1e-9;
    assert.equal(lr.value, 1e-5);
  });

  it("FloatLogSlider rejects a base that is not a positive number other than 1", () => {
    for (const base of [0, -10, 1])
      assert.throws(
        () => new widgets.FloatLogSlider({ base, min: -1 }),
        new RegExp(
          `FloatLogSlider: base must be a positive number other than 1 \\(value = base \\*\\* exponent\\); got ${base}\\.`,
        ),
      );
    // negative control: base 2 works
    assert.equal(new widgets.FloatLogSlider({ base: 2, min: -1, max: 3, value: 100 }).value, 8);
  });

  it("Dropdown maps values to labels and index, and reports value changes", () => {
    const dd = new widgets.Dropdown({
      options: [
        ["SGD", "sgd"],
        ["Adam", "adam"],
      ],
      value: "adam",
    });
    assert.equal(dd.index, 1);
    assert.equal(dd.label, "Adam");
    const seen: unknown[] = [];
    dd.observe((c) => seen.push(c.new));
    dd.value = "sgd";
    assert.deepEqual(seen, ["sgd"]);
    assert.throws(() => {
      dd.value = "rmsprop";
    }, /rmsprop is not one of the options \(SGD, Adam\)/);
    assert.throws(() => new widgets.Dropdown({ options: [] }), /at least one option/);
  });

  it("Dropdown and ToggleButtons show their value and options in the text fallback", () => {
    const dd = new widgets.Dropdown({ options: ["sgd", "adam"], value: "adam", description: "optimizer" });
    assert.equal(dd.toString(), 'Dropdown(value="adam", options=["sgd","adam"], description="optimizer")');
    const factories = new widgets.ToggleButtons({
      options: [
        ["SGD", () => 1],
        ["Adam", () => 2],
      ],
    });
    // a value that is not plain data is shown by its label
    assert.equal(factories.toString(), 'ToggleButtons(label="SGD", options=["SGD","Adam"])');
    // negative control: other widgets keep value and description only
    assert.equal(new widgets.IntSlider({ value: 3 }).toString(), "IntSlider(value=3)");
  });

  it("Button.click runs the onClick callbacks", () => {
    const button = new widgets.Button({ description: "run" });
    let clicks = 0;
    button.onClick(() => clicks++);
    button.click();
    assert.equal(clicks, 1);
  });

  it("Play checks its range and clamps its value like a bounded int (ipywidgets' Play is a _BoundedInt)", () => {
    assert.throws(
      () => new widgets.Play({ min: 5, max: 1 }),
      /Play: min \(5\) must be less than or equal to max \(1\)/,
    );
    assert.equal(new widgets.Play({ max: 10, value: 50 }).value, 10);
    const play = new widgets.Play({ max: 10 });
    play.value = 99;
    assert.equal(play.value, 10);
    play.value = -3;
    assert.equal(play.value, 0);
    play.value = 4.6;
    assert.equal(play.value, 5);
    assert.throws(() => {
      play.value = Number.NaN;
    }, /Play: value must be a finite number; got NaN/);
    // negative control: a value inside the range is kept
    play.value = 7;
    assert.equal(play.value, 7);
  });

  it("a throwing onClick handler is reported and the later handlers still run (ipywidgets' CallbackDispatcher)", () => {
    const button = new widgets.Button({ description: "go" });
    const ran: string[] = [];
    button.onClick(() => {
      ran.push("first");
      throw new Error("boom in click");
    });
    button.onClick(() => ran.push("second"));
    const stderr: string[] = [];
    const write = Reflect.get(process.stderr, "write") as typeof process.stderr.write;
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      button.click();
      button.click();
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(ran, ["first", "second", "first", "second"]);
    assert.equal(stderr.length, 2);
    assert.match(stderr[0], /^Error in an onClick callback: Error: boom in click/);
  });

  it("the display bundle is a widget view plus a text fallback about ipywidgets", () => {
    const slider = new widgets.FloatSlider({ description: "α" });
    const bundle = slider[JUPYTER_DISPLAY]() as MimeBundle;
    assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
      version_major: 2,
      version_minor: 0,
      model_id: slider.modelId,
    });
    assert.match(String(bundle["text/plain"]), /FloatSlider\(value=0, description="α"\)/);
    assert.match(String(bundle["text/plain"]), /install ipywidgets in the Jupyter environment/);
  });

  it("layout rejects unknown CSS properties with the list of valid ones", () => {
    assert.throws(
      () => new widgets.Label({ layout: { colour: "red" } }),
      /unknown CSS property "colour"; use border or one of alignContent/,
    );
  });

  it("comms need a kernel and say so", () => {
    assert.throws(() => widgets.openComm("x"), /comms need a Jupyter kernel/);
  });
});

describe("widgets through a comm sink", () => {
  let sink: RecordingSink;
  beforeEach(() => {
    sink = new RecordingSink();
    setCommSink(sink);
  });
  afterEach(() => setCommSink(undefined));

  it("open layout and style before the widget, with protocol 2.1.0 metadata and snake_case state", () => {
    const slider = new widgets.FloatSlider({
      value: 2,
      max: 5,
      continuousUpdate: false,
      readoutFormat: ".1f",
      style: { handleColor: "red" },
    });
    const opens = sink.sent.filter((s) => s.kind === "open" && s.target === "jupyter.widget");
    assert.deepEqual(
      opens.map((o) => (o.data.state as CommData)._model_name),
      ["LayoutModel", "SliderStyleModel", "FloatSliderModel"],
    );
    assert.ok(opens.every((o) => o.metadata?.version === "2.1.0"));
    const state = opens[2].data.state as CommData;
    assert.equal(state.continuous_update, false);
    assert.equal(state.readout_format, ".1f");
    assert.equal(state.layout, `IPY_MODEL_${opens[0].commId}`);
    assert.equal((opens[1].data.state as CommData).handle_color, "red");
    assert.equal(slider.modelId, opens[2].commId);
  });

  it("a front-end update is echoed first, then observed; kernel-side changes send only what changed", () => {
    const slider = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1 });
    const label = new widgets.Label("");
    slider.observe(({ new: v }) => {
      label.value = `now ${v}`;
    });
    const before = sink.sent.length;
    sink.receive(slider.modelId, { method: "update", state: { value: 0.25 }, buffer_paths: [] });
    const after = sink.sent.slice(before);
    assert.deepEqual(
      after.map((s) => [s.commId, s.data.method, s.data.state]),
      [
        [slider.modelId, "echo_update", { value: 0.25 }],
        [label.modelId, "update", { value: "now 0.25" }],
      ],
    );
    assert.equal(slider.value, 0.25);
    // setting the same value again sends nothing
    const count = sink.sent.length;
    slider.value = 0.25;
    assert.equal(sink.sent.length, count);
  });

  it("IntSlider's min and max setters send integers, as its constructor does (ipywidgets: CInt)", () => {
    const steps = new widgets.IntSlider({ value: 5, max: 10 });
    steps.min = 2.5;
    steps.max = 7.4;
    assert.deepEqual(
      sink.messagesTo(steps.modelId, "update").map((d) => d.state),
      [{ min: 3 }, { max: 7 }],
    );
    assert.equal(steps.min, 3);
    assert.equal(steps.max, 7);
    // negative control: a FloatSlider keeps fractions
    const alpha = new widgets.FloatSlider({ value: 5, max: 10 });
    alpha.min = 2.5;
    assert.deepEqual(
      sink.messagesTo(alpha.modelId, "update").map((d) => d.state),
      [{ min: 2.5 }],
    );
  });

  it("Play's min and max are settable with IntSlider's rules: rounded, synced, the value clamped, bad values refused", () => {
    // the same moves on a Play and on an IntSlider send the same updates and meet the same errors
    const play = new widgets.Play({ value: 8, max: 10 });
    const steps = new widgets.IntSlider({ value: 8, max: 10 });
    const errors: Record<string, string[]> = { Play: [], IntSlider: [] };
    for (const [kind, control] of [
      ["Play", play],
      ["IntSlider", steps],
    ] as const) {
      control.max = 5.4; // rounded to 5; the value 8 is clamped to 5 in the same update
      control.min = 2.5; // rounded to 3; the value 5 stays
      for (const move of [
        () => (control.min = 7), // min > max
        () => (control.max = 2), // max < min
        () => (control.max = Number.NaN),
        () => (control.min = Number.POSITIVE_INFINITY),
      ])
        assert.throws(move, (error: Error) => {
          errors[kind].push(`${error.name}: ${error.message}`);
          return true;
        });
    }
    assert.deepEqual(
      sink.messagesTo(play.modelId, "update").map((d) => d.state),
      [{ max: 5, value: 5 }, { min: 3 }],
    );
    assert.deepEqual(
      sink.messagesTo(steps.modelId, "update").map((d) => d.state),
      sink.messagesTo(play.modelId, "update").map((d) => d.state),
    );
    assert.deepEqual([play.min, play.max, play.value], [3, 5, 5]);
    assert.deepEqual(errors.Play, [
      `RangeError: ${badRangeMessage("Play", 7, 5)}`,
      `RangeError: ${badRangeMessage("Play", 3, 2)}`,
      `TypeError: ${notANumberMessage("Play", "max", Number.NaN)}`,
      `TypeError: ${notANumberMessage("Play", "min", Number.POSITIVE_INFINITY)}`,
    ]);
    assert.deepEqual(
      errors.IntSlider,
      errors.Play.map((line) => line.replace(/\bPlay\b/, "IntSlider")),
    );
    // a refused value changes nothing: the state and the front end stay as they were
    assert.deepEqual([play.min, play.max, play.value], [3, 5, 5]);
    assert.equal(sink.messagesTo(play.modelId, "update").length, 2);
  });

  it("a value out of range from the front end is echoed, clamped and sent back", () => {
    const slider = new widgets.IntSlider({ value: 1, max: 10 });
    sink.receive(slider.modelId, { method: "update", state: { value: 42 }, buffer_paths: [] });
    assert.deepEqual(
      sink.messagesTo(slider.modelId).map((d) => [d.method, d.state]),
      [
        ["echo_update", { value: 42 }],
        ["update", { value: 10 }],
      ],
    );
    assert.equal(slider.value, 10);
  });

  it("request_state answers with the full state; custom click reaches onClick", () => {
    const button = new widgets.Button({ description: "go" });
    let clicked = 0;
    button.onClick(() => clicked++);
    sink.receive(button.modelId, { method: "custom", content: { event: "click" } });
    assert.equal(clicked, 1);
    sink.receive(button.modelId, { method: "request_state" });
    const [full] = sink.messagesTo(button.modelId, "update");
    assert.equal((full.state as CommData)._model_name, "ButtonModel");
    assert.equal((full.state as CommData).description, "go");
  });

  it("Output.capture sets msg_id to the current request and restores it", async () => {
    const out = new widgets.Output();
    sink.messageId = "cell-7";
    out.capture(() => undefined);
    await out.capture(async () => undefined);
    assert.deepEqual(
      sink.messagesTo(out.modelId).map((d) => (d.state as CommData).msg_id),
      ["cell-7", "", "cell-7", ""],
    );
  });

  it("Output.capture shows a thrown error inside the Output (before msg_id is cleared), as ipywidgets' Output.__exit__", async () => {
    const out = new widgets.Output();
    sink.messageId = "click-3";
    const stderr: Array<{ at: number; text: string }> = [];
    const write = Reflect.get(process.stderr, "write") as typeof process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      stderr.push({ at: sink.sent.length, text: String(chunk) });
      return true;
    }) as typeof process.stderr.write;
    let syncResult: unknown = "not returned";
    let asyncResult: unknown = "not returned";
    try {
      syncResult = out.capture(() => {
        throw new Error("click error inside capture");
      });
      asyncResult = await out.capture(async () => {
        await Promise.resolve();
        throw new Error("async error inside capture");
      });
    } finally {
      process.stderr.write = write;
    }
    const updates = sink.sent.map((s, i) => ({ i, s })).filter(({ s }) => s.commId === out.modelId && s.kind === "msg");
    assert.deepEqual(
      updates.map(({ s }) => (s.data.state as CommData).msg_id),
      ["click-3", "", "click-3", ""],
    );
    assert.equal(stderr.length, 2);
    assert.match(stderr[0].text, /Error: click error inside capture/);
    assert.match(stderr[1].text, /Error: async error inside capture/);
    // each error is written while msg_id is still set: after the update that sets it, before the one clearing it
    assert.ok(stderr[0].at > updates[0].i && stderr[0].at <= updates[1].i, JSON.stringify({ stderr, updates }));
    assert.ok(stderr[1].at > updates[2].i && stderr[1].at <= updates[3].i, JSON.stringify({ stderr, updates }));
    // shown, so not thrown again (it would land outside the Output)
    assert.equal(syncResult, undefined);
    assert.equal(asyncResult, undefined);
  });

  it("jupyter.widget.control answers request_states with every live widget", () => {
    const slider = new widgets.FloatSlider();
    const handler = sink.targets.get("jupyter.widget.control");
    assert.ok(handler);
    const comm = sink.open("jupyter.widget.control", {}, {});
    handler(comm, { data: {}, buffers: [], metadata: {}, msgId: "m" });
    sink.receive(comm.commId, { method: "request_states" });
    const [reply] = sink.messagesTo(comm.commId, "update_states");
    assert.ok(slider.modelId in (reply.states as CommData));
  });

  it("jslink rejects an attribute the widget does not sync (ipywidgets: No such trait)", () => {
    const play = new widgets.Play({ max: 5 });
    const slider = new widgets.IntSlider({ max: 5 });
    assert.throws(
      () => widgets.jslink([play, "valu"], [slider, "value"]),
      /jslink: no such trait: Play\.valu \(source\); use one of Play's synced attributes: .*\bmax, min\b.*\bvalue$/,
    );
    assert.throws(
      () => widgets.jslink([play, "value"], [slider, "Value"]),
      /no such trait: IntSlider\.Value \(target\)/,
    );
    // negative control: camelCase names of synced attributes are accepted
    assert.doesNotThrow(() => widgets.jslink([slider, "continuousUpdate"], [slider, "readout"]));
  });

  it("jslink sends a LinkModel with model references and snake_case names", () => {
    const play = new widgets.Play({ max: 5 });
    const slider = new widgets.IntSlider({ max: 5 });
    const link = widgets.jslink([play, "value"], [slider, "value"]);
    const state = link.wireState();
    assert.deepEqual(state.source, [`IPY_MODEL_${play.modelId}`, "value"]);
    assert.deepEqual(state.target, [`IPY_MODEL_${slider.modelId}`, "value"]);
    assert.equal(state._view_name, null);
  });
});

describe("interact", () => {
  it("re-runs fn with all values and shows the result; a burst of moves runs once", async () => {
    const a = new widgets.FloatSlider({ value: 1, max: 10 });
    const b = new widgets.Dropdown({ options: ["x", "y"] });
    const calls: string[] = [];
    const ui = widgets.interact(
      ({ a: av, b: bv }) => {
        calls.push(`${av}${bv}`);
        return `${av}:${bv}`;
      },
      { a, b },
    );
    assert.equal(await ui.refresh(), "1:x");
    a.value = 2;
    a.value = 3;
    b.value = "y";
    await ui.idle();
    assert.deepEqual(calls, ["1x", "3y"]);
    assert.equal(ui.result, "3:y");
    const shown = ui.output.outputs[0] as { data: { "text/plain": string } };
    assert.equal(shown.data["text/plain"], "'3:y'");
  });

  it("aborts a stale async run and drops its result", async () => {
    const a = new widgets.IntSlider({ value: 0, max: 10 });
    const aborted: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ui = widgets.interact(
      async ({ a: v }, { signal }) => {
        if (v === 1) {
          await gate;
          if (signal.aborted) aborted.push(v);
        }
        return v;
      },
      { a },
    );
    a.value = 1;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ui.status.value, "computing…");
    a.value = 2;
    release();
    await ui.idle();
    assert.deepEqual(aborted, [1]);
    assert.equal(ui.result, 2);
    assert.equal(ui.runCounts.delivered, 1);
    assert.equal(ui.status.value, "");
  });

  it("shows an exception in the output and keeps working", async () => {
    const a = new widgets.IntSlider({ value: 0, max: 10 });
    const ui = widgets.interact(
      ({ a: v }) => {
        if (v === 3) throw new Error("three is not allowed");
        return v;
      },
      { a },
    );
    a.value = 3;
    await ui.idle();
    const [failure] = ui.output.outputs as Array<{ output_type: string; evalue: string }>;
    assert.equal(failure.output_type, "error");
    assert.equal(failure.evalue, "three is not allowed");
    a.value = 4;
    await ui.idle();
    assert.equal(ui.result, 4);
  });

  it("an fn that throws at the initial values still displays the controls, with the error in the output", async () => {
    const x = new widgets.FloatSlider({ value: 0, min: -1, max: 1 });
    const ui = widgets.interact(
      ({ x: v }) => {
        if (v <= 0) throw new Error(`x must be positive, got ${v}`);
        return v * 2;
      },
      { x },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
      version_major: 2,
      version_minor: 0,
      model_id: ui.box.modelId,
    });
    assert.match(String(bundle["text/plain"]), /Error: x must be positive, got 0/);
    const [failure] = ui.output.outputs as Array<{ output_type: string; evalue: string }>;
    assert.equal(failure.output_type, "error");
    assert.equal(failure.evalue, "x must be positive, got 0");
    x.value = 0.5;
    await ui.idle();
    assert.equal(ui.result, 1);
  });

  it("displaying runs fn once, and the text fallback is that run's result", async () => {
    const x = new widgets.IntSlider({ value: 3, max: 10 });
    const seen: number[] = [];
    const ui = widgets.interact(
      ({ x: v }) => {
        seen.push(v);
        return `x squared is ${v * v}`;
      },
      { x },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    assert.deepEqual(seen, [3]);
    assert.match(String(bundle["text/plain"]), /^'x squared is 9'\ninteract\(x\)/);
    assert.equal(ui.result, "x squared is 9");
  });

  it("static: the display carries a Plotly slider with one frame per value (offline fallback)", async () => {
    const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 0.9, description: "β" });
    const ui = widgets.interact(
      ({ beta: b }) =>
        plot.line({ β: { x: [0, 1, 2], y: [1, b, b * b] } }, { title: "powers", xLabel: "k", yLabel: "β^k" }),
      { beta },
      { static: { beta: [0, 0.5, 0.9] } },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    const figure = bundle["application/vnd.plotly.v1+json"] as {
      frames: unknown[];
      layout: { sliders: Array<{ active: number }> };
    };
    assert.equal(figure.frames.length, 3);
    assert.equal(figure.layout.sliders[0].active, 1);
    assert.match(String(bundle["text/html"]), /optimlab-figure/);
    assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
      version_major: 2,
      version_minor: 0,
      model_id: ui.box.modelId,
    });
    assert.throws(
      () => widgets.interact(() => 1, { beta }, { static: { gamma: [1] } as never }),
      /static control "gamma" is not one of the controls \(beta\)/,
    );
  });

  it("static: an fn that throws at a static value still displays the controls, with the error in the output", async () => {
    const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1, description: "β" });
    const failure = new RangeError("β must be below 0.95, got 0.99");
    const ui = widgets.interact(
      ({ beta: b }) => {
        if (b >= 0.95) throw failure;
        return plot.line({ β: { x: [0, 1], y: [1, b] } }, { title: "powers", xLabel: "k", yLabel: "β^k" });
      },
      { beta },
      { static: { beta: [0, 0.5, 0.99] } },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
      version_major: 2,
      version_minor: 0,
      model_id: ui.box.modelId,
    });
    // front ends without widgets are told why there is no precomputed slider
    assert.equal(bundle["application/vnd.plotly.v1+json"], undefined);
    assert.equal(
      bundle["text/plain"],
      `${widgets.staticFnThrewMessage("beta", 0.99)}\nRangeError: β must be below 0.95, got 0.99\ninteract(beta)\n${widgets.noWidgetsHelpMessage()}`,
    );
    // the Output: what went wrong at the static value (the error whole, its stack too), then the live run's figure
    const outputs = ui.output.outputs as Array<{ output_type: string; [key: string]: unknown }>;
    assert.deepEqual(
      outputs.map((o) => o.output_type),
      ["stream", "error", "display_data"],
    );
    assert.deepEqual(outputs[0], {
      output_type: "stream",
      name: "stderr",
      text: `${widgets.staticFnThrewMessage("beta", 0.99)}\n`,
    });
    assert.deepEqual(outputs[1], {
      output_type: "error",
      ename: "RangeError",
      evalue: "β must be below 0.95, got 0.99",
      traceback: String(failure.stack).split("\n"),
    });
    assert.ok(ui.result instanceof plot.Figure);
    assert.equal(ui.error, undefined);
    // the controls stay alive: the next move runs again and replaces the output
    beta.value = 0.9;
    await ui.idle();
    assert.deepEqual(
      (ui.output.outputs as Array<{ output_type: string }>).map((o) => o.output_type),
      ["display_data"],
    );
  });

  it("static: an interrupt while precomputing still stops the display (no live run follows)", async () => {
    const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1 });
    const seen: number[] = [];
    const ui = widgets.interact(
      ({ beta: b }) => {
        seen.push(b);
        if (b === 0.9) throw new KeyboardInterrupt();
        return plot.line({ β: { x: [0, 1], y: [1, b] } }, { title: "powers", xLabel: "k", yLabel: "β^k" });
      },
      { beta },
      { static: { beta: [0, 0.9, 0.99] } },
    );
    await assert.rejects(Promise.resolve(ui[JUPYTER_DISPLAY]()), { name: "KeyboardInterrupt" });
    assert.deepEqual(seen, [0, 0.9]);
  });

  it("static: an fn that returns no figure at a static value still displays the controls, with the TypeError in the output", async () => {
    const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1 });
    const ui = widgets.interact(({ beta: b }) => b * 2, { beta }, { static: { beta: [0.5] } });
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    assert.equal(
      bundle["text/plain"],
      `TypeError: ${widgets.staticNotFigureMessage("beta", 0.5)}\ninteract(beta)\n${widgets.noWidgetsHelpMessage()}`,
    );
    const outputs = ui.output.outputs as Array<{ output_type: string; evalue?: string }>;
    assert.deepEqual(
      outputs.map((o) => [o.output_type, o.evalue]),
      [
        ["error", widgets.staticNotFigureMessage("beta", 0.5)],
        ["display_data", undefined],
      ],
    );
    assert.equal(ui.result, 1);
  });
});

describe("interact in a kernel", () => {
  let sink: ScopedSink;
  beforeEach(() => {
    sink = new ScopedSink();
    setCommSink(sink);
  });
  afterEach(() => setCommSink(undefined));

  it("what fn prints goes into its Output, replacing the last run's; an undefined result shows nothing", async () => {
    const x = new widgets.IntSlider({ value: 3, max: 10 });
    const ui = widgets.interact(
      ({ x: v }) => {
        console.log("x squared is", v * v);
      },
      { x },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as MimeBundle;
    assert.deepEqual(ui.output.outputs, [{ output_type: "stream", name: "stdout", text: "x squared is 9\n" }]);
    assert.doesNotMatch(String(bundle["text/plain"]), /undefined/);
    sink.scope = { request: "comm-msg-2" }; // a move: the front end's comm_msg
    x.value = 4;
    await ui.idle();
    assert.deepEqual(ui.output.outputs, [{ output_type: "stream", name: "stdout", text: "x squared is 16\n" }]);
    // negative control: a result is shown after what was printed
    const y = new widgets.IntSlider({ value: 2, max: 10 });
    const shown = widgets.interact(
      ({ y: v }) => {
        console.log("computing", v);
        console.error("careful");
        return v * 10;
      },
      { y },
    );
    await shown.refresh();
    assert.deepEqual(
      shown.output.outputs.map((o) => (o as { output_type: string }).output_type),
      ["stream", "stream", "display_data"],
    );
    assert.deepEqual(shown.output.outputs.slice(0, 2), [
      { output_type: "stream", name: "stdout", text: "computing 2\n" },
      { output_type: "stream", name: "stderr", text: "careful\n" },
    ]);
    assert.equal((shown.output.outputs[2] as { data: { "text/plain": string } }).data["text/plain"], "20");
  });

  it("an async fn's prints after an await reach the Output live, before the result", async () => {
    const x = new widgets.IntSlider({ value: 1, max: 10 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ui = widgets.interact(
      async ({ x: v }) => {
        console.log("epoch 1 of", v);
        await gate;
        console.log("done");
        return v;
      },
      { x },
    );
    void ui.refresh();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ui.output.outputs, [{ output_type: "stream", name: "stdout", text: "epoch 1 of 1\n" }]);
    release();
    await ui.idle();
    assert.deepEqual(ui.output.outputs.slice(0, 1), [
      { output_type: "stream", name: "stdout", text: "epoch 1 of 1\ndone\n" },
    ]);
    assert.equal(ui.output.outputs.length, 2);
  });
});

describe("interact and a kernel interrupt", () => {
  let sink: ScopedSink;
  beforeEach(() => {
    sink = new ScopedSink();
    setCommSink(sink);
  });
  afterEach(() => setCommSink(undefined));

  it("an interrupted run (its promise never settles) shows KeyboardInterrupt and stops taking prints", async () => {
    const captures = () =>
      ((globalThis as Record<symbol, unknown[]>)[Symbol.for("optimlab.widgets.printCaptures")] ?? []).length;
    const x = new widgets.IntSlider({ value: 0, max: 10 });
    const ui = widgets.interact(({ x: v }) => (v === 1 ? new Promise<number>(() => undefined) : v), { x });
    await ui.refresh();
    const before = captures();
    x.value = 1;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(captures(), before + 1, "the stuck run captures prints");
    notifyInterrupt(Object.assign(new Error("Execution interrupted"), { name: "KeyboardInterrupt" }), (error) =>
      assert.fail(String(error)),
    );
    await ui.idle();
    assert.equal(captures(), before, "an interrupted run's capture is removed (its fn never returns to remove it)");
    assert.equal((ui.output.outputs[0] as { ename?: string }).ename, "KeyboardInterrupt");
    console.log("after the interrupt"); // goes to the terminal, not into the Output
    assert.equal(ui.output.outputs.length, 1);
  });
});

describe("plot.live", () => {
  afterEach(() => setDisplaySink(undefined));

  it("displays once with a display id and updates in place", () => {
    const sent: Array<{ id?: string; update: boolean; title: unknown }> = [];
    setDisplaySink({
      display: (bundle, o) =>
        sent.push({
          id: o.displayId,
          update: o.update,
          title: (bundle["application/vnd.plotly.v1+json"] as { layout: { title?: { text: string } } }).layout.title
            ?.text,
        }),
    });
    const view = plot.live(plot.line({ a: { x: [0], y: [1] } }, { title: "first", xLabel: "x", yLabel: "y" }));
    view.update(plot.line({ a: { x: [0], y: [2] } }, { title: "second", xLabel: "x", yLabel: "y" }));
    assert.deepEqual(
      sent.map((s) => [s.update, s.title]),
      [
        [false, "first"],
        [true, "second"],
      ],
    );
    assert.equal(sent[0].id, sent[1].id);
    assert.equal(view.updateCount, 1);
  });
});

describe("the reader's language", () => {
  afterEach(() => {
    setLanguage(undefined);
    setCommSink(undefined);
  });

  it("distinct options whose translations coincide keep the original in parentheses", () => {
    const sink = new RecordingSink();
    setCommSink(sink);
    setLanguage("zh");
    const zhLoss = translate("loss", "zh");
    assert.equal(
      translate("Loss", "zh"),
      zhLoss,
      "the catalog must map both spellings to one phrase for this test to mean anything",
    );
    const metric = new widgets.Dropdown({ options: ["loss", "Loss", "constant"] });
    const labels = (metric.wireState() as { _options_labels: string[] })._options_labels;
    assert.deepEqual(labels, [`${zhLoss} (loss)`, `${zhLoss} (Loss)`, translate("constant", "zh")]);
    assert.equal(new Set(labels).size, 3);
    assert.deepEqual(
      metric.options.map(([label]) => label),
      ["loss", "Loss", "constant"],
    );
  });

  it("option labels go to the front end translated; values, label and options stay as written", () => {
    const sink = new RecordingSink();
    setCommSink(sink);
    setLanguage("zh");
    const zhConstant = translate("constant", "zh");
    assert.notEqual(zhConstant, "constant", "the catalog must translate the phrase for this test to mean anything");
    const schedule = new widgets.Dropdown({
      options: ["constant", "StepLR"],
      value: "constant",
      description: "schedule",
    });
    const toggles = new widgets.ToggleButtons({
      options: [
        ["constant", 0],
        ["StepLR", 1],
      ],
    });
    const opened = (model: string) =>
      sink.sent.find((s) => s.kind === "open" && (s.data.state as CommData)._model_name === model)?.data
        .state as CommData;
    assert.deepEqual(opened("DropdownModel")._options_labels, [zhConstant, "StepLR"]);
    assert.deepEqual(opened("ToggleButtonsModel")._options_labels, [zhConstant, "StepLR"]);
    assert.equal(opened("DropdownModel").description, translate("schedule", "zh"));
    assert.equal(schedule.value, "constant");
    assert.equal(schedule.label, "constant");
    assert.deepEqual(schedule.options, [
      ["constant", "constant"],
      ["StepLR", "StepLR"],
    ]);
    assert.equal(toggles.value, 0);
  });
});
