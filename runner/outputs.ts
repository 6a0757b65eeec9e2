/**
 * Turning IOPub messages into a cell's `outputs`, as Jupyter front-ends do:
 *  - consecutive stream messages of the same name merge into one output;
 *  - `clear_output` empties the cell now, or (wait=true) just before the next output arrives;
 *  - `update_display_data` replaces the data of every earlier output, in any cell of the notebook,
 *    that was displayed with the same `transient.display_id`.
 * Stream text is kept as chunks and joined once, so a cell printing megabytes stays linear.
 */
import type { Json, JsonObject, Message } from "../protocol/wire";
import { isObject, joinSource, type DisplayDataOutput, type ExecuteResultOutput, type Output } from "./notebook";

type DisplayOutput = DisplayDataOutput | ExecuteResultOutput;

/** display_id → outputs showing it; one per notebook, since updates may target earlier cells. */
export class DisplayRegistry {
  private readonly byId = new Map<string, Set<DisplayOutput>>();

  add(displayId: string, output: DisplayOutput): void {
    let outputs = this.byId.get(displayId);
    if (!outputs) this.byId.set(displayId, (outputs = new Set()));
    outputs.add(output);
  }

  remove(output: Output): void {
    if (output.output_type !== "display_data" && output.output_type !== "execute_result") return;
    for (const outputs of this.byId.values()) outputs.delete(output);
  }

  update(displayId: string, data: JsonObject, metadata: JsonObject): number {
    const outputs = this.byId.get(displayId);
    if (!outputs) return 0;
    for (const output of outputs) {
      output.data = data;
      output.metadata = metadata;
    }
    return outputs.size;
  }
}

export class OutputCollector {
  readonly outputs: Output[] = [];
  /** The pending chunks of the last output when it is a stream. */
  private streamChunks: string[] | undefined;
  private clearOnNextOutput = false;

  constructor(private readonly displays: DisplayRegistry) {}

  /** Applies one IOPub message; returns the output it added, if any. */
  handle(message: Message): Output | undefined {
    const content = message.content;
    switch (message.header.msg_type) {
      case "stream": {
        this.beforeOutput();
        const name = content.name === "stderr" ? "stderr" : "stdout";
        const text = typeof content.text === "string" ? content.text : "";
        const last = this.outputs[this.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === name) {
          this.streamChunks ??= [joinSource(last.text)];
          this.streamChunks.push(text);
          return undefined;
        }
        this.flushStream();
        const output: Output = { output_type: "stream", name, text: "" };
        this.streamChunks = [text];
        this.outputs.push(output);
        return output;
      }
      case "display_data":
      case "execute_result": {
        this.beforeOutput();
        this.flushStream();
        const data = isObject(content.data) ? content.data : {};
        const metadata = isObject(content.metadata) ? content.metadata : {};
        const output: DisplayOutput =
          message.header.msg_type === "display_data"
            ? { output_type: "display_data", data, metadata }
            : {
                output_type: "execute_result",
                data,
                metadata,
                execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
              };
        const displayId = isObject(content.transient) ? content.transient.display_id : undefined;
        if (typeof displayId === "string") this.displays.add(displayId, output);
        this.outputs.push(output);
        return output;
      }
      case "update_display_data": {
        const displayId = isObject(content.transient) ? content.transient.display_id : undefined;
        if (typeof displayId === "string") {
          this.displays.update(
            displayId,
            isObject(content.data) ? content.data : {},
            isObject(content.metadata) ? content.metadata : {},
          );
        }
        return undefined;
      }
      case "error": {
        this.beforeOutput();
        this.flushStream();
        const traceback = Array.isArray(content.traceback) ? content.traceback.map(String) : [];
        const output: Output = {
          output_type: "error",
          ename: jsonText(content.ename, "Error"),
          evalue: jsonText(content.evalue, ""),
          traceback,
        };
        this.outputs.push(output);
        return output;
      }
      case "clear_output":
        if (content.wait === true) this.clearOnNextOutput = true;
        else this.clear();
        return undefined;
      default:
        return undefined;
    }
  }

  /** Joins pending stream chunks; call before reading `outputs`. */
  finish(): Output[] {
    this.flushStream();
    return this.outputs;
  }

  private beforeOutput(): void {
    if (this.clearOnNextOutput) {
      this.clearOnNextOutput = false;
      this.clear();
    }
  }

  private clear(): void {
    for (const output of this.outputs) this.displays.remove(output);
    this.outputs.length = 0;
    this.streamChunks = undefined;
  }

  private flushStream(): void {
    const last = this.outputs[this.outputs.length - 1];
    if (this.streamChunks && last?.output_type === "stream") last.text = this.streamChunks.join("");
    this.streamChunks = undefined;
  }
}

/** A protocol field as text: strings as they are, other JSON as JSON (never "[object Object]"). */
export function jsonText(value: Json | undefined, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === "string" ? value : JSON.stringify(value);
}
