/**
 * The other receivers of the end-to-end benchmarks, each a child process: the null server (sender
 * calibration) and rsyslog (the reference for syslog TCP into a file).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NULL_SERVER = fileURLToPath(new URL('./_null-server.ts', import.meta.url));

/** A receiver child process. */
export interface Receiver {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts bench/_null-server.ts in `mode` and resolves with its port. */
export function startNullServer(mode: 'tcp' | 'http'): Promise<Receiver> {
  const child = spawn(process.execPath, [NULL_SERVER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`null server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = Number.parseInt(out, 10);
      if (out.includes('\n') && port > 0) {
        resolve({ pid: child.pid!, port, stop: async () => { child.kill('SIGTERM'); await exited(child); } });
      }
    });
  });
}

/** A running rsyslogd writing every message received on its TCP port to `file`. */
export interface Rsyslog extends Receiver {
  file: string;
  version: string;
}

/** The rsyslogd binary, or undefined with the reason when it is not installed. */
export function findRsyslogd(): { path: string; version: string } | { missing: string } {
  for (const path of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd']) {
    const run = spawnSync(path, ['-v'], { encoding: 'utf8' });
    if (run.status === 0) return { path, version: /\d+\.\d+\.\d+/.exec(run.stdout)?.[0] ?? 'unknown version' };
  }
  return { missing: 'rsyslogd not found; install it with `apt-get update && apt-get install -y rsyslog`' };
}

/**
 * Starts `rsyslogd -n` with its own config in a temporary folder: imtcp on 127.0.0.1:`port`, bound
 * to a ruleset whose only action writes the raw message plus LF to a file (omfile, default buffering;
 * fsync per written batch only with `sync`). Resolves once the port accepts connections.
 */
export async function startRsyslog(binary: string, version: string, port: number, sync = false): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-rsyslog-'));
  const file = join(dir, 'messages.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, [
    `global(workDirectory="${dir}" maxMessageSize="64k")`,
    'module(load="imtcp")',
    'template(name="plain" type="string" string="%rawmsg%\\n")',
    'ruleset(name="bench") {',
    // sync="on": fsync after each batch rsyslog writes, the nearest to Vigil's journal durability.
    `  action(type="omfile" file="${file}" template="plain"${sync ? ' sync="on"' : ''})`,
    '}',
    `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="bench")`,
    '',
  ].join('\n'));
  const child = spawn(binary, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}:\n${output}`);
    if (await canConnect(port)) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`rsyslogd did not listen on 127.0.0.1:${port} within 10 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { pid: child.pid!, port, file, version, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls the size of `file` until it holds `bytes`; resolves with performance.now() of that poll.
 * Fails when it stops growing for `stallMs`.
 */
export async function waitForFileBytes(file: string, bytes: number, intervalMs = 20, stallMs = 30_000): Promise<number> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // Not created yet.
    }
    const now = performance.now();
    if (size >= bytes) return now;
    if (size !== last) {
      last = size;
      lastChange = now;
    } else if (now - lastChange > stallMs) {
      throw new Error(`${file} stuck at ${size} of ${bytes} bytes for ${stallMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Number of LF-terminated lines in `file`. */
export function countFileLines(file: string): number {
  const data = readFileSync(file);
  let lines = 0;
  for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) lines++;
  return lines;
}
