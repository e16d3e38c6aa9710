/**
 * A receiver that does nothing, to measure what the benchmark sender alone can push on this machine:
 * `node bench/_null-server.ts tcp` discards a TCP stream, `... http` answers every POST with
 * `{"accepted": <line count>}` like /api/v1/ingest. Prints its port on stdout. Runs as a separate
 * process so it does not share the sender's event loop.
 */
import http from 'node:http';
import net from 'node:net';

const mode = process.argv[2];

function countLines(chunks: Buffer[]): number {
  let lines = 0;
  for (const chunk of chunks) {
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

let server: net.Server;
if (mode === 'tcp') {
  server = net.createServer((socket) => {
    socket.on('data', () => {});
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
} else if (mode === 'http') {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted: countLines(chunks), rejected: 0, errors: [] }));
    });
  });
  (server as http.Server).keepAliveTimeout = 60_000;
} else {
  console.error('usage: node bench/_null-server.ts tcp|http');
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => console.log((server.address() as net.AddressInfo).port));
process.on('SIGTERM', () => process.exit(0));
