import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));

export interface VigilProcess {
  child: ChildProcess;
  url: string;
  /** Present on the first start of a data folder. */
  adminPassword?: string;
  output: () => string;
}

/**
 * Starts `vigil start` as a real child process on free ports (console on port 0, syslog on port 0),
 * and resolves once it printed its URL. For tests that need a separate process: crashes, signals.
 */
export function startVigilProcess(dataDir: string, extraEnv: Record<string, string> = {}): Promise<VigilProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--data-dir', dataDir, '--port', '0'], {
    env: {
      ...process.env,
      VIGIL_INTAKE__SYSLOG__UDP__PORT: '0', VIGIL_INTAKE__SYSLOG__TCP__PORT: '0', VIGIL_LOG__LEVEL: 'warn', ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil did not start in time:\n${output}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Vigil is running: (\S+)/.exec(output)?.[1];
      const complete = output.includes('data folder:') && (!output.includes('First start') || /one-time password[^\n]*\n\s+(\S+)/.test(output));
      if (url && complete) {
        clearTimeout(timer);
        resolve({ child, url, adminPassword: /one-time password[^\n]*\n\s+(\S+)/.exec(output)?.[1], output: () => output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with ${code} before starting:\n${output}`));
    });
  });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
