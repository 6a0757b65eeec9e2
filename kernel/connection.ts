/**
 * Reads a Jupyter connection file (`kernel-<id>.json`), filling the defaults jupyter_client uses and
 * failing with a message that names the file and the bad field.
 */
import * as fs from "node:fs";
import { signatureAlgorithm, type ConnectionInfo } from "../protocol/wire";

const PORTS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

export const connectionFileMessage = (file: string, problem: string): string =>
  `Bad connection file ${file}: ${problem}. Jupyter writes this file when it starts a kernel; pass it with --connection-file.`;

export function parseConnectionInfo(text: string, file = "<connection file>"): ConnectionInfo {
  let raw: { [key: string]: unknown };
  try {
    raw = JSON.parse(text) as { [key: string]: unknown };
  } catch (error) {
    throw new Error(connectionFileMessage(file, `not JSON (${(error as Error).message})`));
  }
  if (typeof raw !== "object" || raw === null) throw new Error(connectionFileMessage(file, "not a JSON object"));
  for (const port of PORTS) {
    const value = raw[port];
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
      throw new Error(connectionFileMessage(file, `"${port}" must be a port number, got ${JSON.stringify(value)}`));
    }
  }
  const transport = raw.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc")
    throw new Error(connectionFileMessage(file, `unknown transport ${JSON.stringify(transport)}`));
  // A key that is not a string would silently turn signing off; an unknown scheme would make the
  // kernel drop every message. Both are refused here, at start, with the reason.
  if (raw.key !== undefined && typeof raw.key !== "string") {
    throw new Error(
      connectionFileMessage(
        file,
        `"key" must be a string (the HMAC key, "" for no signing), got ${JSON.stringify(raw.key)}`,
      ),
    );
  }
  const scheme =
    raw.signature_scheme === undefined || raw.signature_scheme === "" ? "hmac-sha256" : raw.signature_scheme;
  if (typeof scheme !== "string" || signatureAlgorithm(scheme) === undefined) {
    throw new Error(
      connectionFileMessage(
        file,
        `unknown "signature_scheme" ${JSON.stringify(scheme)}: expected hmac-<digest> with a digest Node.js supports, e.g. "hmac-sha256"`,
      ),
    );
  }
  return {
    transport,
    ip: typeof raw.ip === "string" && raw.ip !== "" ? raw.ip : "127.0.0.1",
    shell_port: raw.shell_port as number,
    iopub_port: raw.iopub_port as number,
    stdin_port: raw.stdin_port as number,
    control_port: raw.control_port as number,
    hb_port: raw.hb_port as number,
    key: typeof raw.key === "string" ? raw.key : "",
    signature_scheme: scheme,
    ...(typeof raw.kernel_name === "string" ? { kernel_name: raw.kernel_name } : {}),
  };
}

export function readConnectionFile(file: string): ConnectionInfo {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(connectionFileMessage(file, `cannot read it (${(error as Error).message})`));
  }
  return parseConnectionInfo(text, file);
}
