/**
 * Cached, checksum-verified downloads of the official dataset files.
 *
 * Files live in `OPTIMLAB_DATA` or `~/.cache/optimlab`. A download is written to a temporary
 * name and only renamed into place after its SHA-256 matches, so a corrupted or partial
 * download never poisons the cache.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";

/** The data cache folder: `OPTIMLAB_DATA`, else `~/.cache/optimlab`. */
export function dataDir(): string {
  return process.env.OPTIMLAB_DATA || path.join(os.homedir(), ".cache", "optimlab");
}

export function downloadFailedMessage(file: string, url: string, dir: string, why: string): string {
  return (
    `Could not download ${path.basename(file)} from ${url} (${why}). ` +
    `To install it by hand, download ${url} on a machine with internet access and place it at ${file} ` +
    `(or set OPTIMLAB_DATA to a folder that contains it; the folder now used is ${dir}).`
  );
}

export function checksumMismatchMessage(file: string, url: string, expected: string, actual: string): string {
  return (
    `Checksum mismatch for ${path.basename(file)} downloaded from ${url}: expected SHA-256 ${expected}, got ${actual}. ` +
    `The download is corrupted or incomplete and was not saved; try again, or place the official file at ${file} by hand.`
  );
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

const MAX_REDIRECTS = 5;

/** GETs `url` (http or https, following redirects) into memory. */
export function httpGet(url: string, redirects = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new Error(`too many redirects`));
        const next = new URL(response.headers.location, url).toString();
        return resolve(httpGet(next, redirects + 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks)));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

export interface RemoteFile {
  /** File name inside the cache folder. */
  name: string;
  url: string;
  /** Lower-case hex SHA-256 of the official file. */
  sha256: string;
}

/**
 * Returns the local path of `remote` in `dir`, downloading and verifying it first when missing.
 * An existing file is trusted (it was verified when it was downloaded, or placed by hand).
 */
export async function ensureFile(remote: RemoteFile, dir: string = dataDir()): Promise<string> {
  const file = path.join(dir, remote.name);
  if (fs.existsSync(file)) return file;
  let bytes: Buffer;
  try {
    bytes = await httpGet(remote.url);
  } catch (error) {
    const why = error instanceof Error ? error.message || (error as { code?: string }).code || "network error" : String(error);
    throw new Error(downloadFailedMessage(file, remote.url, dir, why));
  }
  const actual = sha256(bytes);
  if (actual !== remote.sha256.toLowerCase()) throw new Error(checksumMismatchMessage(file, remote.url, remote.sha256, actual));
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.part`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, file);
  return file;
}
