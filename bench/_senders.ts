/**
 * Load generators for the end-to-end ingest benchmarks. Everything is encoded before the clock
 * starts; sending only slices pre-built buffers, writes big chunks and honours backpressure, so on a
 * 2-core machine the sender takes as little CPU from the receiver as possible.
 */
import http from 'node:http';
import net from 'node:net';

/** Splits `data` into `parts` pieces of about equal size, each ending at a line end. */
export function splitAtLines(data: Buffer, parts: number): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let i = 1; i <= parts && start < data.length; i++) {
    let end = i === parts ? data.length : Math.floor((data.length * i) / parts);
    if (end < data.length) {
      const lf = data.indexOf(10, end);
      end = lf < 0 ? data.length : lf + 1;
    }
    if (end > start) pieces.push(data.subarray(start, end));
    start = end;
  }
  return pieces;
}

/** Writes `data` to one connection in `chunkBytes` slices, waiting for 'drain' when the socket buffer is full. */
function sendOne(host: string, port: number, data: Buffer, chunkBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(false);
    socket.once('error', reject);
    socket.once('connect', () => {
      let offset = 0;
      const pump = (): void => {
        while (offset < data.length) {
          const chunk = data.subarray(offset, Math.min(offset + chunkBytes, data.length));
          offset += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        // 'finish': every byte was handed to the kernel; the receiver closes its side when it is done.
        socket.end(() => resolve());
      };
      pump();
    });
  });
}

/**
 * Sends a byte stream of LF-framed syslog messages over `connections` TCP connections (split at line
 * ends). Resolves with performance.now() when the last byte was handed to the kernel.
 */
export async function sendTcpStream(host: string, port: number, data: Buffer, connections = 1, chunkBytes = 1 << 20): Promise<number> {
  await Promise.all(splitAtLines(data, connections).map((piece) => sendOne(host, port, piece, chunkBytes)));
  return performance.now();
}

/** A request body for {@link sendHttpBulk}. */
export interface BulkBody {
  /** Intake token of the source the body is posted to. */
  token: string;
  body: Buffer;
  contentType: string;
  events: number;
}

/** What {@link sendHttpBulk} saw. */
export interface BulkResult {
  /** performance.now() of the last 2xx. */
  lastAckAt: number;
  requests: number;
  /** 429/503 answers (each retried after its Retry-After). */
  busyReplies: number;
  /** Seconds spent waiting on Retry-After, summed over connections. */
  busyWaitSeconds: number;
}

interface Reply {
  status: number;
  body: string;
  retryAfter: number;
}

function post(agent: http.Agent, url: URL, item: BulkBody): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${item.token}`, 'content-type': item.contentType, 'content-length': item.body.length },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => resolve({
        status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'),
        retryAfter: Number(response.headers['retry-after'] ?? 1) || 1,
      }));
    });
    request.once('error', reject);
    request.end(item.body);
  });
}

/**
 * Posts every body to `url` over `connections` keep-alive connections, each taking the next body as
 * soon as its previous request was answered. A 429/503 is retried after the server's Retry-After, as
 * a well-behaved shipper does (at most `maxRetryAfter` seconds, for shippers with their own backoff
 * cap); any other non-2xx, or a reply accepting fewer records than sent, fails.
 */
export async function sendHttpBulk(url: URL, bodies: readonly BulkBody[], connections: number, maxRetryAfter = Infinity): Promise<BulkResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let next = 0;
  let lastAckAt = 0;
  let requests = 0;
  let busyReplies = 0;
  let busyWaitSeconds = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const item = bodies[next++]!;
      for (;;) {
        requests++;
        const reply = await post(agent, url, item);
        if (reply.status === 429 || reply.status === 503) {
          busyReplies++;
          const wait = Math.min(reply.retryAfter, maxRetryAfter);
          busyWaitSeconds += wait;
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          continue;
        }
        if (reply.status < 200 || reply.status > 299) throw new Error(`ingest answered ${reply.status}: ${reply.body.slice(0, 500)}`);
        const accepted = (JSON.parse(reply.body) as { accepted?: number }).accepted;
        if (accepted !== item.events) throw new Error(`ingest accepted ${accepted} of ${item.events} records: ${reply.body.slice(0, 500)}`);
        lastAckAt = performance.now();
        break;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
  return { lastAckAt, requests, busyReplies, busyWaitSeconds };
}
