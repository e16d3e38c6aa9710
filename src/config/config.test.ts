import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './config-docs.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const yamlFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), 'vigil.yaml');
  writeFileSync(file, text);
  return file;
};

describe('loadConfig', () => {
  it('starts from sensible defaults: console on 127.0.0.1:8080, syslog UDP and TCP on 5514', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.intake.syslog.udp).toMatchObject({ enabled: true, port: 5514 });
    expect(config.intake.syslog.tcp).toMatchObject({ enabled: true, port: 5514 });
    expect(config.intake.syslog.tls).toBeUndefined();
  });

  it('layers file < environment < overrides', () => {
    const file = yamlFile('server:\n  port: 9000\n  host: 0.0.0.0\nstorage:\n  retentionDays: 7\n');
    const config = loadConfig({ file, env: { VIGIL_SERVER__PORT: '9100', VIGIL_STORAGE__MAX_BYTES: '1000' }, overrides: { server: { port: 9200 } } });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9200 });
    expect(config.storage).toEqual({
      retentionDays: 7, maxBytes: 1000, memoryLimit: '512MB', archive: { enabled: false, hotDays: 7, retentionDays: 0 },
    });
  });

  it('keeps the archive hot window inside retention, and archive retention beyond it', () => {
    const archive = (yaml: string) => () => loadConfig({ file: yamlFile(`storage:\n  retentionDays: 30\n  archive:\n    enabled: true\n${yaml}`) });
    expect(archive('    hotDays: 30\n')).toThrow(/storage\.archive\.hotDays: must be below storage\.retentionDays \(30\)/);
    expect(archive('    hotDays: 7\n    retentionDays: 7\n')).toThrow(/storage\.archive\.retentionDays: must be above storage\.archive\.hotDays \(7\)/);
    expect(archive('    hotDays: 29\n    retentionDays: 365\n    dir: /srv/vigil-archive\n')().storage.archive)
      .toEqual({ enabled: true, hotDays: 29, retentionDays: 365, dir: '/srv/vigil-archive' });
  });

  it('names the setting and the problem for wrong values and unknown keys', () => {
    const file = yamlFile('server:\n  prot: 80\nstorage:\n  retentionDays: -1\n');
    expect(() => loadConfig({ file })).toThrow(ConfigError);
    try {
      loadConfig({ file });
    } catch (err) {
      expect((err as Error).message).toContain('server: Unrecognized key: "prot"');
      expect((err as Error).message).toContain('storage.retentionDays');
    }
  });

  it('refuses unknown VIGIL_ variables instead of ignoring a typo', () => {
    expect(() => loadConfig({ env: { VIGIL_SERVR__PORT: '1' } })).toThrow(/VIGIL_SERVR__PORT/);
  });

  it('reports unreadable files and YAML that is not a mapping', () => {
    expect(() => loadConfig({ file: '/nonexistent/vigil.yaml' })).toThrow(/cannot read configuration file/);
    expect(() => loadConfig({ file: yamlFile('- a\n- b\n') })).toThrow(/must hold a mapping/);
    expect(() => loadConfig({ file: yamlFile('server: [\n') })).toThrow(/not valid YAML/);
  });

  it('requires certificate files when syslog TLS is enabled', () => {
    expect(() => loadConfig({ env: { VIGIL_INTAKE__SYSLOG__TLS__ENABLED: 'true' } })).toThrow(ConfigError);
  });
});

describe('docs/configuration.md', () => {
  it('is generated from the schema (run `npm run docs:config` after changing a setting)', () => {
    const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });
});

describe('variables that are not settings', () => {
  it('are accepted beside the settings', () => {
    expect(() => loadConfig({ env: { VIGIL_URL: 'http://x', VIGIL_TOKEN: 't', VIGIL_DEV_API: 'http://y' } })).not.toThrow();
  });
});
