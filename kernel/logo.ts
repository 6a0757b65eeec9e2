/**
 * Draws the kernel's logo (a TypeScript-blue tile with a white descending loss curve and an orange
 * minimum) as PNG bytes, so the committed `kernel/assets/logo-*.png` files are reproducible:
 * `node -e 'require("./dist/kernel/logo").writeLogos()'` regenerates them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { deflateSync } from "node:zlib";

export const LOGO_SIZES = [32, 64] as const;

type Rgba = [number, number, number, number];

const BLUE: Rgba = [49, 120, 198, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const ORANGE: Rgba = [245, 158, 11, 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter method variants, no interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter type "none"
    rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function blend(under: Rgba, over: Rgba, alpha: number): Rgba {
  const a = Math.max(0, Math.min(1, alpha));
  return [0, 1, 2, 3].map((i) => Math.round(under[i] * (1 - a) + over[i] * a)) as Rgba;
}

/** The loss curve in unit coordinates: high on the left, falling to a minimum at x ≈ 0.72. */
function curve(x: number): number {
  return 0.25 + 0.55 * Math.exp(-4 * x) + 0.6 * Math.max(0, x - 0.72) ** 2;
}

/** Renders the logo at `size`×`size` pixels (4× supersampled for smooth edges). */
export function renderLogo(size: number): Buffer {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  const radius = 0.18;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let color: Rgba = [0, 0, 0, 0];
      let coverage = 0;
      let tile = 0;
      let stroke = 0;
      let dot = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const cx = Math.min(Math.max(x, radius), 1 - radius);
          const cy = Math.min(Math.max(y, radius), 1 - radius);
          if (Math.hypot(x - cx, y - cy) > radius) continue; // outside the rounded tile
          tile++;
          const up = 1 - y; // unit y grows upwards
          const u = (x - 0.12) / 0.76;
          if (Math.hypot(x - 0.67, up - curve(0.72)) < 0.075) dot++;
          else if (u >= 0 && u <= 1 && Math.abs(up - curve(u)) < 0.05) stroke++;
        }
      }
      const total = samples * samples;
      coverage = tile / total;
      if (coverage === 0) continue;
      color = [BLUE[0], BLUE[1], BLUE[2], Math.round(255 * coverage)];
      color = blend(color, [WHITE[0], WHITE[1], WHITE[2], color[3]], stroke / Math.max(tile, 1));
      color = blend(color, [ORANGE[0], ORANGE[1], ORANGE[2], color[3]], dot / Math.max(tile, 1));
      pixels.set(color, (py * size + px) * 4);
    }
  }
  return encodePng(size, size, pixels);
}

export const logoFileName = (size: number): string => `logo-${size}x${size}.png`;

/** Writes every logo size into `dir` (default: the package's `kernel/assets`). */
export function writeLogos(dir = path.join(__dirname, "..", "..", "kernel", "assets")): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const size of LOGO_SIZES) fs.writeFileSync(path.join(dir, logoFileName(size)), renderLogo(size));
}
