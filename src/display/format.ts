/**
 * `format(value)`: turns any value into a MIME bundle, Deno-style.
 *
 * Order: the value's own `[Symbol.for("Jupyter.display")]()` (sync or async) first, then an ordered list
 * of duck-typed formatters (danfojs DataFrame/Series, image bytes, image strings), then `text/plain` via
 * `util.inspect`. Every bundle carries `text/plain`, which notebook tools and terminals fall back on.
 */
import { inspect } from "node:util";
import { isDisplayable, JUPYTER_DISPLAY, type MimeBundle } from "./protocol";
import { language, type Language } from "../i18n/language";
import { translate, translateLines } from "../i18n/translate";
import { escapeHtml } from "./escapeHtml";

/** One duck-typed rule: `matches` is cheap and side-effect free; `format` builds the bundle. */
export interface Formatter {
  name: string;
  matches(value: unknown): boolean;
  format(value: unknown): MimeBundle;
}

/** The `text/plain` form of any value (what the REPL shows: strings quoted, objects inspected). */
export function plainText(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

/** Ensures the bundle has a string `text/plain`, deriving one from `value` when missing. */
export function withPlainText(bundle: MimeBundle, value: unknown): MimeBundle {
  if (typeof bundle["text/plain"] === "string") return bundle;
  return { ...bundle, "text/plain": plainText(value) };
}

// ---------------------------------------------------------------------------------------------------
// danfojs DataFrame / Series (duck-typed: danfojs is a heavy import and may be a different copy)

interface FrameLike {
  $isSeries: boolean;
  columns: string[];
  index: Array<string | number>;
  values: unknown[];
  toString(): string;
}

function isFrameLike(value: unknown): value is FrameLike {
  if (typeof value !== "object" || value === null) return false;
  const frame = value as Partial<FrameLike>;
  return (
    typeof frame.$isSeries === "boolean" &&
    Array.isArray(frame.index) &&
    Array.isArray(frame.values) &&
    Array.isArray(frame.columns)
  );
}

/** Rows shown before eliding the middle of a long table (like pandas' max_rows). */
export const TABLE_MAX_ROWS = 60;

function cell(value: unknown): string {
  return escapeHtml(typeof value === "string" ? value : String(value));
}

/** An HTML table with an index column, eliding the middle rows past `TABLE_MAX_ROWS`. */
export function htmlTable(columns: string[], index: Array<string | number>, rows: unknown[][]): string {
  const half = Math.floor(TABLE_MAX_ROWS / 2);
  const elide = rows.length > TABLE_MAX_ROWS;
  const shown = elide ? [...rows.keys()].filter((i) => i < half || i >= rows.length - half) : [...rows.keys()];
  const body: string[] = [];
  for (const i of shown) {
    if (elide && i === rows.length - half) body.push(`<tr><th>…</th>${columns.map(() => "<td>…</td>").join("")}</tr>`);
    body.push(`<tr><th>${cell(index[i])}</th>${rows[i].map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`);
  }
  return [
    '<table class="dataframe">',
    `<thead><tr><th></th>${columns.map((c) => `<th>${cell(c)}</th>`).join("")}</tr></thead>`,
    `<tbody>${body.join("")}</tbody>`,
    "</table>",
    `<p>${rows.length} rows × ${columns.length} columns</p>`,
  ].join("");
}

export const dataFrameFormatter: Formatter = {
  name: "danfojs DataFrame/Series",
  matches: isFrameLike,
  format(value) {
    const frame = value as FrameLike;
    const rows = frame.$isSeries
      ? frame.values.map((v) => [v])
      : frame.values.map((row): unknown[] => (Array.isArray(row) ? (row as unknown[]) : [row]));
    const columns = frame.$isSeries ? [String(frame.columns[0] ?? "0")] : frame.columns.map(String);
    return { "text/html": htmlTable(columns, frame.index, rows), "text/plain": frame.toString() };
  },
};

// ---------------------------------------------------------------------------------------------------
// Images: bytes (Uint8Array, Buffer, ArrayBuffer) or strings (data URL, base64, SVG markup)

type ImageMime = "image/png" | "image/jpeg" | "image/gif" | "image/svg+xml";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SVG_MARKUP = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i;

function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** The image type of raw bytes, from their magic numbers; undefined for anything else. */
export function sniffImageBytes(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (bytes.length < 1 << 24 && SVG_MARKUP.test(Buffer.from(bytes.subarray(0, 4096)).toString("utf8")))
    return "image/svg+xml";
  return undefined;
}

function imageLabel(mime: ImageMime, bytes: Uint8Array): string {
  if (mime === "image/png" && bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return `<PNG image ${view.getUint32(16)}×${view.getUint32(20)}>`;
  }
  return `<${mime.slice(6).replace("+xml", "").toUpperCase()} image, ${bytes.length} bytes>`;
}

function imageBundle(mime: ImageMime, bytes: Uint8Array): MimeBundle {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Jupyter carries binary images as base64 text, SVG as its markup.
  const data = mime === "image/svg+xml" ? buffer.toString("utf8") : buffer.toString("base64");
  return { [mime]: data, "text/plain": imageLabel(mime, bytes) };
}

export const imageBytesFormatter: Formatter = {
  name: "image bytes",
  matches: (value) => {
    const bytes = asBytes(value);
    return bytes !== undefined && sniffImageBytes(bytes) !== undefined;
  },
  format(value) {
    const bytes = asBytes(value) as Uint8Array;
    return imageBundle(sniffImageBytes(bytes) as ImageMime, bytes);
  },
};

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|svg\+xml));base64,([A-Za-z0-9+/=\s]+)$/;
const BASE64_IMAGE = /^(iVBORw0KGgo|\/9j\/|R0lGOD)[A-Za-z0-9+/=\s]*$/;

/** The image bytes a string stands for: a data URL, bare base64 of PNG/JPEG/GIF, or SVG markup. */
function imageFromString(text: string): { mime: ImageMime; bytes: Uint8Array } | undefined {
  const url = DATA_URL.exec(text);
  if (url) return { mime: url[1] as ImageMime, bytes: Buffer.from(url[2], "base64") };
  if (SVG_MARKUP.test(text)) return { mime: "image/svg+xml", bytes: Buffer.from(text, "utf8") };
  if (text.length >= 16 && BASE64_IMAGE.test(text)) {
    const bytes = Buffer.from(text, "base64");
    const mime = sniffImageBytes(bytes);
    if (mime) return { mime, bytes };
  }
  return undefined;
}

export const imageStringFormatter: Formatter = {
  name: "image string",
  matches: (value) => typeof value === "string" && imageFromString(value) !== undefined,
  format(value) {
    const image = imageFromString(value as string) as { mime: ImageMime; bytes: Uint8Array };
    return imageBundle(image.mime, image.bytes);
  },
};

/** The duck-typed formatters, tried in order after the display symbol. */
export const FORMATTERS: readonly Formatter[] = [dataFrameFormatter, imageBytesFormatter, imageStringFormatter];

/**
 * Formats without an await when possible (the kernel sends synchronous bundles immediately, so they
 * land in the cell that displayed them). Returns a promise only for an async display method.
 */
export function formatNow(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(value)) {
    const bundle = value[JUPYTER_DISPLAY]();
    if (bundle instanceof Promise) return bundle.then((b) => withPlainText(checkBundle(b), value));
    return withPlainText(checkBundle(bundle), value);
  }
  for (const formatter of FORMATTERS) {
    if (formatter.matches(value)) return formatter.format(value);
  }
  // A sentence the cell evaluates to is shown in the reader's language, like printed ones.
  const lang = language();
  return { "text/plain": plainText(lang === "en" ? value : inReaderLanguage(value, lang)) };
}

/**
 * The value as the reader sees it: strings translated line by line, and the keys and values of plain
 * objects and arrays (a cell ending in `{ "final loss, AdamW": 0.31 }` is a labelled result; keys that are
 * identifiers, `{ epoch: 3 }`, stay as the code can use them). Class
 * instances are shown as they are; the value itself is never changed.
 */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function inReaderLanguage(value: unknown, lang: Language, depth = 0): unknown {
  if (typeof value === "string") return translateLines(value, lang);
  if (depth > 4 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => inReaderLanguage(item, lang, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    // A key that is an identifier is a field the reader may type (`best.epoch`): only labels are translated.
    Object.entries(value).map(([key, item]) => [
      IDENTIFIER.test(key) ? key : translate(key, lang),
      inReaderLanguage(item, lang, depth + 1),
    ]),
  );
}

export const badBundleMessage = (got: unknown): string =>
  `[Symbol.for("Jupyter.display")]() must return a MIME bundle object like { "text/html": "…" }; got ${plainText(got)}`;

function checkBundle(bundle: unknown): MimeBundle {
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle))
    throw new TypeError(badBundleMessage(bundle));
  return bundle as MimeBundle;
}

/** The MIME bundle for `value` (see the module comment for the order of rules). */
export async function format(value: unknown): Promise<MimeBundle> {
  return formatNow(value);
}
