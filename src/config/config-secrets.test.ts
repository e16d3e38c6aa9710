import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SecretBox } from '../auth/secret-box.ts';
import { configSchema } from './config-schema.ts';
import { CONFIG_SECRET_PURPOSE, ConfigSecretError, loadConfigMasterKey, masterKeyPath, openConfigSecrets, secretSettings, secretString } from './config-secrets.ts';

const schema = z.object({
  name: z.string(),
  providers: z.array(z.object({ id: z.string(), clientSecret: secretString('Client secret.') }).strict()).default([]),
  webhook: z.object({ url: secretString('Webhook URL.', z.string().url()).optional() }).strict().prefault({}),
}).strict();

const box = new SecretBox(randomBytes(32));

describe('secret settings in the configuration', () => {
  it('opens sealed values, keeps plain ones and names them', () => {
    const config = schema.parse({
      name: 'n',
      providers: [{ id: 'a', clientSecret: box.seal('s3cret-a', CONFIG_SECRET_PURPOSE) }, { id: 'b', clientSecret: 'plain-b' }],
      webhook: { url: box.seal('https://chat.example/hook/xyz', CONFIG_SECRET_PURPOSE) },
    });
    const { config: opened, plain } = openConfigSecrets(schema, config, box);
    expect(opened.providers.map((p) => p.clientSecret)).toEqual(['s3cret-a', 'plain-b']);
    expect(opened.webhook.url).toBe('https://chat.example/hook/xyz');
    expect(plain).toEqual(['providers[1].clientSecret']);
    expect(config.providers[0]!.clientSecret).toMatch(/^vgsec1:/);
  });

  it('refuses a sealed value made with another key, naming the setting but not the value', () => {
    const other = new SecretBox(randomBytes(32));
    const config = schema.parse({ name: 'n', providers: [{ id: 'a', clientSecret: other.seal('s3cret', CONFIG_SECRET_PURPOSE) }] });
    expect(() => openConfigSecrets(schema, config, box)).toThrow(ConfigSecretError);
    expect(() => openConfigSecrets(schema, config, box)).toThrow(/providers\[0\]\.clientSecret/);
    const report = secretSettings(schema, config, box);
    expect(report).toHaveLength(1);
    expect(report[0]!.problem).toMatch(/cannot be opened/);
  });

  it('validates plain values at load, and sealed ones once opened', () => {
    expect(schema.safeParse({ name: 'n', webhook: { url: 'not a url' } }).success).toBe(false);
    const sealedBad = schema.parse({ name: 'n', webhook: { url: box.seal('not a url', CONFIG_SECRET_PURPOSE) } });
    expect(() => openConfigSecrets(schema, sealedBad, box)).toThrow(/webhook\.url is invalid once opened/);
  });

  it('does not open a value sealed for another purpose (a TOTP seed pasted into the configuration)', () => {
    const config = schema.parse({ name: 'n', providers: [{ id: 'a', clientSecret: box.seal('seed', 'totp:u1') }] });
    expect(() => openConfigSecrets(schema, config, box)).toThrow(ConfigSecretError);
  });

  it('says "may be sealed" in the generated docs', () => {
    expect(schema.shape.providers.unwrap().element.shape.clientSecret.description).toMatch(/may be sealed/);
  });

  it('creates the default master key but never an explicitly configured one', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-secrets-'));
    const defaults = configSchema.parse({ dataDir });
    expect(masterKeyPath(defaults)).toBe(join(dataDir, 'master.key'));
    const key = loadConfigMasterKey(defaults);
    expect(readFileSync(join(dataDir, 'master.key'), 'utf8').trim()).toBe(key.toString('base64'));
    const explicit = configSchema.parse({ dataDir, secrets: { masterKeyFile: join(dataDir, 'elsewhere.key') } });
    expect(() => loadConfigMasterKey(explicit)).toThrow(/elsewhere\.key.*does not exist/);
    writeFileSync(join(dataDir, 'elsewhere.key'), `${randomBytes(32).toString('base64')}\n`);
    expect(loadConfigMasterKey(explicit)).toHaveLength(32);
  });
});
