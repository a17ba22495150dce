import { connect } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Another IPv4 address of this host than loopback, if it has one: where a server bound to
 * loopback must not answer.
 */
export function otherAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;
}

/** Whether a TCP connection to `host:port` is accepted (refused or failed: false). */
export function reaches(port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, host);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
