/**
 * Test fixture around a real rsyslogd: a throwaway config, certificates made with openssl, and a
 * process that reads files with imfile and forwards them with omfwd to the listeners under test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const GTLS_MODULE = ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/rsyslog/lmnsd_gtls.so']
  .find((p) => existsSync(p));

/** Why the rsyslog tests cannot run here, or undefined when they can. */
export const rsyslogMissing = !RSYSLOGD
  ? 'rsyslogd not found (apt-get install -y rsyslog rsyslog-gnutls)'
  : !GTLS_MODULE
    ? 'rsyslog TLS driver lmnsd_gtls not found (apt-get install -y rsyslog-gnutls)'
    : !existsSync('/usr/bin/openssl') ? 'openssl not found' : undefined;

export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, in a new temp dir. */
export function makePki(dir: string): Pki {
  const p = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca-key.pem'), '-out', p('ca.pem'),
    '-days', '2', '-subj', '/CN=Vigil Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, cn: string, ext: string): void => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${name}-key.pem`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(p(`${name}.ext`), ext);
    openssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca-key.pem'), '-CAcreateserial',
      '-out', p(`${name}.pem`), '-days', '2', '-extfile', p(`${name}.ext`));
  };
  leaf('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'rsyslog-client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir, caCert: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server-key.pem'), clientCert: p('client.pem'), clientKey: p('client-key.pem'),
  };
}

/** One rsyslog input file and where its lines go. */
export interface Route {
  /** Tag given to the lines (becomes APP-NAME / the 3164 tag). */
  tag: string;
  port: number;
  framing: 'octet-counted' | 'traditional';
  template: 'RSYSLOG_SyslogProtocol23Format' | 'RSYSLOG_TraditionalForwardFormat';
  tls: boolean;
}

export class Rsyslog {
  readonly dir: string;
  #child: ChildProcess | undefined;
  #stderr = '';

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'vigil-rsyslog-'));
  }

  /** The file whose lines rsyslog forwards over `route`. */
  inputFile(tag: string): string {
    return join(this.dir, `${tag}.log`);
  }

  /** Writes the config, validates it with `rsyslogd -N1`, and starts rsyslogd in the foreground. */
  start(routes: Route[], pki: Pki): void {
    const work = join(this.dir, 'work');
    mkdirSync(work, { recursive: true });
    const conf = [
      `global(workDirectory="${work}" maxMessageSize="64k"`,
      `  defaultNetstreamDriverCAFile="${pki.caCert}"`,
      `  defaultNetstreamDriverCertFile="${pki.clientCert}"`,
      `  defaultNetstreamDriverKeyFile="${pki.clientKey}")`,
      'module(load="imfile" mode="polling" pollingInterval="1")',
      ...routes.flatMap((r) => [
        `input(type="imfile" file="${this.inputFile(r.tag)}" tag="${r.tag}:" ruleset="${r.tag}" freshStartTail="off")`,
        `ruleset(name="${r.tag}") {`,
        `  action(type="omfwd" target="127.0.0.1" port="${r.port}" protocol="tcp" template="${r.template}"`,
        `    tcp_framing="${r.framing}"`,
        ...(r.tls ? ['    streamDriver="gtls" streamDriverMode="1" streamDriverAuthMode="x509/name" streamDriverPermittedPeers="localhost"'] : []),
        '    action.resumeRetryCount="-1" action.resumeInterval="1")',
        '}',
      ]),
    ].join('\n');
    const confFile = join(this.dir, 'rsyslog.conf');
    writeFileSync(confFile, `${conf}\n`);
    try {
      execFileSync(RSYSLOGD as string, ['-N1', '-f', confFile], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`rsyslog rejected the test config: ${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}\n${conf}`, { cause: err });
    }
    this.#child = spawn(RSYSLOGD as string, ['-n', '-f', confFile, '-i', join(this.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stderr?.on('data', (d: Buffer) => { this.#stderr += d.toString(); });
    this.#child.stdout?.on('data', (d: Buffer) => { this.#stderr += d.toString(); });
  }

  /** What rsyslogd printed, for failure messages. */
  get output(): string {
    return this.#stderr;
  }

  /** Stops the rsyslogd this fixture started and removes its files. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
