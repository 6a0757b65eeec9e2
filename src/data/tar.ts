/** Minimal reader for (ustar / GNU) tar archives: regular files only, enough for dataset archives. */

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

export function corruptTarMessage(source: string, offset: number): string {
  return `${source} is not a valid tar archive (bad header checksum at byte ${offset})`;
}

function readString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return Buffer.from(block.subarray(start, end)).toString("utf8");
}

function readOctal(block: Uint8Array, start: number, length: number): number {
  const text = readString(block, start, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  // The checksum field itself counts as eight spaces.
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === readOctal(header, 148, 8);
}

/** Lists the regular files of an uncompressed tar archive (data are views, not copies). */
export function readTar(archive: Uint8Array, source = "archive"): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw new Error(corruptTarMessage(source, offset));
    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = readString(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
    longName = undefined;
    const data = archive.subarray(offset + 512, offset + 512 + size);
    if (type === "L") longName = readString(data, 0, size);
    else if (type === "0" || type === "\0") entries.push({ name, data });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** Writes a ustar archive of regular files (for tests and fixtures). */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, "utf8");
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(entry.data.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write("00000000000\0", 136);
    header[156] = 0x30;
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    parts.push(header, Buffer.from(entry.data), Buffer.alloc((512 - (entry.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
