/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (raw or gzipped).
 *
 * Layout: two zero bytes, a type byte (0x08 = uint8 …), a byte with the number of dimensions,
 * one big-endian uint32 per dimension, then the values row-major, big-endian.
 */
import * as fs from "node:fs";
import * as zlib from "node:zlib";

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxData {
  /** Size of each dimension; `dims[0]` is the number of items (after `limit`). */
  dims: number[];
  data: IdxArray;
}

const IDX_TYPES: {
  [code: number]: { bytes: number; read: (view: DataView, offset: number) => number; make: (n: number) => IdxArray };
} = {
  0x08: { bytes: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  0x09: { bytes: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  0x0b: { bytes: 2, read: (v, o) => v.getInt16(o), make: (n) => new Int16Array(n) },
  0x0c: { bytes: 4, read: (v, o) => v.getInt32(o), make: (n) => new Int32Array(n) },
  0x0d: { bytes: 4, read: (v, o) => v.getFloat32(o), make: (n) => new Float32Array(n) },
  0x0e: { bytes: 8, read: (v, o) => v.getFloat64(o), make: (n) => new Float64Array(n) },
};

export function notIdxMessage(source: string): string {
  return `${source} is not an IDX file (bad magic number; expected 0x0000 then a type byte and a dimension count)`;
}

export function truncatedIdxMessage(source: string, expected: number, actual: number): string {
  return `${source} is truncated: its header promises ${expected} bytes of data but ${actual} are there`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses IDX bytes (gzip is detected and inflated). `limit` keeps only the first items.
 * `source` names the data in error messages.
 */
export function parseIdx(input: Uint8Array, options: { limit?: number; source?: string } = {}): IdxData {
  const source = options.source ?? "data";
  const bytes = isGzip(input) ? new Uint8Array(zlib.gunzipSync(input)) : input;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !IDX_TYPES[bytes[2]] || bytes[3] === 0) {
    throw new Error(notIdxMessage(source));
  }
  const type = IDX_TYPES[bytes[2]];
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(notIdxMessage(source));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  if (options.limit !== undefined) dims[0] = Math.min(dims[0], options.limit);
  const count = dims.reduce((a, b) => a * b, 1);
  const needed = count * type.bytes;
  const available = bytes.length - headerBytes;
  if (available < needed) throw new Error(truncatedIdxMessage(source, needed, available));
  if (type.bytes === 1 && bytes[2] === 0x08) {
    // uint8 (all of MNIST): one copy, no per-value reads.
    return { dims, data: bytes.slice(headerBytes, headerBytes + count) };
  }
  const data = type.make(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerBytes + i * type.bytes);
  return { dims, data };
}

/**
 * Reads an IDX file. For an uncompressed file with `limit`, only the needed bytes are read
 * (the first 1,000 MNIST images without reading 47 MB).
 */
export function readIdxFile(file: string, options: { limit?: number } = {}): IdxData {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    if (isGzip(head) || options.limit === undefined || head[0] !== 0 || head[1] !== 0 || !IDX_TYPES[head[2]]) {
      return parseIdx(fs.readFileSync(file), { ...options, source: file });
    }
    const rank = head[3];
    const header = Buffer.alloc(4 + 4 * rank);
    fs.readSync(fd, header, 0, header.length, 0);
    let perItem = IDX_TYPES[head[2]].bytes;
    for (let i = 1; i < rank; i++) perItem *= header.readUInt32BE(4 + 4 * i);
    const items = Math.min(header.readUInt32BE(4), options.limit);
    const buffer = Buffer.alloc(header.length + items * perItem);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return parseIdx(buffer.subarray(0, read), { ...options, source: file });
  } finally {
    fs.closeSync(fd);
  }
}

/** Encodes a uint8 IDX file (used by tests and to write small fixtures). */
export function encodeIdxUint8(dims: number[], values: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}
