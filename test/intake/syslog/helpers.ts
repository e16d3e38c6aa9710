/** Shared helpers of the syslog listener tests: raw clients and waiting. */
import net from 'node:net';
import dgram from 'node:dgram';

/** Connects a plain TCP client to 127.0.0.1:port. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes and half-closes, resolving when the server closed its side too. */
export function sendAndClose(socket: net.Socket, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => {});
    socket.end(data);
    socket.resume();
  });
}

/** Sends datagrams to 127.0.0.1:port. */
export async function sendUdp(port: number, messages: (string | Uint8Array)[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  for (const m of messages) {
    await new Promise<void>((resolve, reject) => socket.send(m, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
  socket.close();
}

/** Polls `check` until it is true, failing with `what` (evaluated then) after `timeoutMs`. */
export async function until(check: () => boolean, what: string | (() => string), timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
