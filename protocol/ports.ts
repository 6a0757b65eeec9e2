/**
 * Free TCP ports for a kernel's five sockets. Bind-and-release has a small race (another process may
 * take a port before the kernel binds it): a port is never handed out twice by this process, and the
 * runner starts a kernel that died on a taken port again on new ports (runner/session.ts).
 */
import { randomUUID } from "node:crypto";
import * as net from "node:net";
import type { ConnectionInfo } from "./wire";

/**
 * Ports this process has handed out: never handed out twice, so two kernels this process starts at
 * once cannot be given the same port (it is free again as soon as we close our probe, until the
 * first kernel binds it) — as jupyter_client's port cache does.
 */
const handedOut = new Set<number>();

export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve());
      });
      const port = (server.address() as net.AddressInfo).port;
      if (!ports.includes(port) && !handedOut.has(port)) ports.push(port);
    }
    for (const port of ports) handedOut.add(port);
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/**
 * Connection settings for a new kernel on free local ports: a random key and HMAC-SHA256 signing
 * unless `key`/`scheme` say otherwise (tests use an empty key or a bad scheme on purpose).
 */
export async function newConnectionInfo(
  kernelName: string,
  { key = randomUUID(), scheme = "hmac-sha256" }: { key?: string; scheme?: string } = {},
): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key,
    signature_scheme: scheme,
    kernel_name: kernelName,
  };
}
