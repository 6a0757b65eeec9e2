/**
 * Free TCP ports for a kernel's five sockets. Bind-and-release has a small race (another process may
 * take a port before the kernel binds it); jupyter_client accepts the same race, and the kernel fails
 * loudly if hit.
 */
import * as net from "node:net";

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
      if (!ports.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
