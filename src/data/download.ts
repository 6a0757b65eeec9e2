/**
 * Cached, checksum-verified downloads of the official dataset files.
 *
 * Files live in `OPTIMLAB_DATA` or `~/.cache/optimlab`. A download streams to a temporary name and
 * is renamed into place only after its SHA-256 matches, so a corrupted or partial download never
 * poisons the cache. A file already in the cache is verified too, once: a stamp next to it records
 * the hash with the file's size and modification time, and a file that changed is verified again.
 * Downloads have connect and idle timeouts and are retried with backoff.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
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

export function cachedMismatchMessage(file: string, url: string, expected: string, actual: string): string {
  return (
    `The cached file ${file} does not match the official SHA-256 (expected ${expected}, got ${actual}): ` +
    `it is damaged or not the official file, and was not used. Delete it to download it again, ` +
    `or replace it with the official file from ${url}.`
  );
}

export function dataDirMessage(dir: string, reason: string): string {
  const setting = process.env.OPTIMLAB_DATA
    ? `OPTIMLAB_DATA is ${process.env.OPTIMLAB_DATA}`
    : "OPTIMLAB_DATA is not set, so ~/.cache/optimlab is used";
  return (
    `The data folder ${dir} cannot be used (${reason}); ${setting}. ` +
    `Set OPTIMLAB_DATA to a folder you can write, or pass { dir } to the loader.`
  );
}

/** An attempt that got no TCP connection in time. */
export function connectTimeoutMessage(connectTimeoutMs: number): string {
  return `no connection within ${connectTimeoutMs / 1000} s`;
}

/** An attempt whose server went silent. */
export function idleTimeoutMessage(idleTimeoutMs: number): string {
  return `no data for ${idleTimeoutMs / 1000} s`;
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/** How patient a download is. */
export interface DownloadSettings {
  /** Milliseconds to wait for the TCP connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Milliseconds without a byte from the server before giving up on an attempt (default 30 s). */
  idleTimeoutMs?: number;
  /** Attempts after the first one, for network errors, timeouts and HTTP 5xx (default 2). */
  retries?: number;
  /** Wait before the first retry; doubled for each further one (default 1 s). */
  backoffMs?: number;
  /**
   * Opens the connection of each attempt instead of Node's http/https agent (Node's
   * `createConnection` request option): for a proxy or tunnel, or a test's socket that never connects.
   */
  createConnection?: (options: http.ClientRequestArgs) => net.Socket;
  /** How the backoff waits (default `setTimeout`); tests pass one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS: Required<Omit<DownloadSettings, "createConnection">> = {
  connectTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  retries: 2,
  backoffMs: 1000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
const MAX_REDIRECTS = 5;

/** An attempt's failure; `permanent` ones (HTTP 4xx, too many redirects) are not retried. */
class DownloadError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

/** Streams `url` (http or https, following redirects) into `file`, returning the SHA-256 of the bytes. */
export function httpDownload(
  url: string,
  file: string,
  settings: DownloadSettings = {},
  redirects = 0,
): Promise<string> {
  const { connectTimeoutMs, idleTimeoutMs, createConnection } = { ...DEFAULTS, ...settings };
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      request.destroy();
      reject(error);
    };
    const request = client.get(url, createConnection ? { createConnection } : {}, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return fail(new DownloadError("too many redirects", true));
        settled = true;
        const next = new URL(response.headers.location, url).toString();
        return resolve(httpDownload(next, file, settings, redirects + 1));
      }
      if (status !== 200) {
        response.resume();
        return fail(new DownloadError(`HTTP ${status}`, status >= 400 && status < 500));
      }
      const hash = crypto.createHash("sha256");
      const out = fs.createWriteStream(file);
      out.on("error", (error) => fail(error));
      response.on("data", (chunk: Buffer) => hash.update(chunk));
      response.on("error", (error) => fail(error));
      response.on("aborted", () => fail(new DownloadError("the server closed the connection early")));
      response.pipe(out);
      out.on("finish", () => {
        if (settled) return;
        if (!response.complete) return fail(new DownloadError("the server closed the connection early"));
        settled = true;
        resolve(hash.digest("hex"));
      });
    });
    // Connect timeout: from the request until the socket connects. Idle: any silence after that.
    const connectTimer = setTimeout(
      () => fail(new DownloadError(connectTimeoutMessage(connectTimeoutMs))),
      connectTimeoutMs,
    );
    request.on("socket", (socket) => {
      const connected = () => clearTimeout(connectTimer);
      if (!socket.connecting) connected();
      else socket.once("connect", connected);
    });
    request.setTimeout(idleTimeoutMs, () => fail(new DownloadError(idleTimeoutMessage(idleTimeoutMs))));
    request.on("error", (error) => fail(error));
  });
}

/** GETs `url` into memory (with the same timeouts, no retries). */
export async function httpGet(url: string, settings: DownloadSettings = {}): Promise<Buffer> {
  const temporary = path.join(os.tmpdir(), `optimlab-get-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  try {
    await httpDownload(url, temporary, settings);
    return fs.readFileSync(temporary);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
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
 * A file already there is verified against the checksum once (then trusted while unchanged).
 */
export async function ensureFile(
  remote: RemoteFile,
  dir: string = dataDir(),
  settings: DownloadSettings = {},
): Promise<string> {
  const file = path.join(dir, remote.name);
  const expected = remote.sha256.toLowerCase();
  if (fs.existsSync(file)) {
    const actual = await verifiedHash(file);
    if (actual !== expected) throw new Error(cachedMismatchMessage(file, remote.url, remote.sha256, actual));
    return file;
  }
  ensureDataDir(dir);
  removeStaleParts(file);
  const temporary = `${file}.${process.pid}.part`;
  let actual: string;
  try {
    actual = await downloadWithRetries(remote.url, temporary, settings);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new Error(downloadFailedMessage(file, remote.url, dir, describe(error)));
  }
  if (actual !== expected) {
    fs.rmSync(temporary, { force: true });
    throw new Error(checksumMismatchMessage(file, remote.url, remote.sha256, actual));
  }
  fs.renameSync(temporary, file);
  recordVerified(file, actual);
  return file;
}

async function downloadWithRetries(url: string, file: string, settings: DownloadSettings): Promise<string> {
  const { retries, backoffMs, sleep } = { ...DEFAULTS, ...settings };
  for (let attempt = 0; ; attempt++) {
    try {
      return await httpDownload(url, file, settings);
    } catch (error) {
      const permanent = error instanceof DownloadError && error.permanent;
      if (permanent || attempt >= retries) {
        if (attempt === 0) throw error;
        throw new Error(`${describe(error)}; tried ${attempt + 1} times`);
      }
      await sleep(backoffMs * 2 ** attempt);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || (error as { code?: string }).code || "network error" : String(error);
}

/** Creates `dir` if needed and checks it can be written, before any download. */
export function ensureDataDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const blocker = code === "ENOTDIR" || code === "EEXIST" ? firstFileOnPath(dir) : undefined;
    throw new Error(
      dataDirMessage(dir, blocker ? `${blocker} is a file, not a folder` : `${code ?? (error as Error).message}`),
    );
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    throw new Error(
      dataDirMessage(dir, `it is not writable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`),
    );
  }
}

/** The first path component of `dir` that exists but is not a folder. */
function firstFileOnPath(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep);
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(path.sep);
    try {
      if (!fs.statSync(prefix).isDirectory()) return prefix;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Removes `<file>.<pid>.part` left by a download whose process was killed. */
function removeStaleParts(file: string): void {
  const base = path.basename(file);
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(`${base}.`) ? /^(\d+)\.part$/.exec(name.slice(base.length + 1)) : null;
    if (match && !processAlive(Number(match[1]))) fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// ---- verification stamps ----

interface Stamp {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** The stamp that records a verified file: `.<name>.sha256.json` beside it. */
export function stampPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.sha256.json`);
}

/**
 * Records that `file`, as it is now, has SHA-256 `hash` (after a download, or after hashing a cached
 * file). A folder that cannot be written just means hashing again next time.
 */
export function recordVerified(file: string, hash: string): void {
  const stat = fs.statSync(file);
  const stamp: Stamp = { sha256: hash, size: stat.size, mtimeMs: stat.mtimeMs };
  try {
    fs.writeFileSync(stampPath(file), JSON.stringify(stamp) + "\n");
  } catch {
    // read-only cache: verification still happens, just every time
  }
}

/** The SHA-256 of `file`: from its stamp while size and mtime are unchanged, else hashed (and stamped). */
async function verifiedHash(file: string): Promise<string> {
  const stat = fs.statSync(file);
  try {
    const stamp = JSON.parse(fs.readFileSync(stampPath(file), "utf8")) as Stamp;
    if (stamp.size === stat.size && stamp.mtimeMs === stat.mtimeMs && typeof stamp.sha256 === "string")
      return stamp.sha256;
  } catch {
    // no stamp (placed by hand, older version) or unreadable: hash it
  }
  const hash = crypto.createHash("sha256");
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", resolve)
      .on("error", reject);
  });
  const actual = hash.digest("hex");
  recordVerified(file, actual);
  return actual;
}
