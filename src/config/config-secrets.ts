import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isSealed, loadOrCreateMasterKey, SecretBox, SecretBoxError } from '../auth/secret-box.ts';

/**
 * Secrets in the configuration file (webhook URLs, SMTP and connector credentials, OIDC client
 * secrets) may be written sealed, `vgsec1:...`, made by `vigil secret seal` with the master key, so
 * the file can be versioned or shared without the credentials in clear. A field declared with
 * {@link secretString} accepts a sealed or a plain value; {@link openConfigSecrets} opens the sealed
 * ones once the master key is loaded and lists the plain ones so `vigil start` can warn about them.
 */

/** Purpose bound into every sealed configuration value (see {@link SecretBox.seal}). */
export const CONFIG_SECRET_PURPOSE = 'config';

interface SecretFieldMeta {
  /** What the opened (or plain) value must satisfy. */
  plain: z.ZodString;
}

// Keyed by schema instance, like a zod registry, without the registry's rewriting of metadata types.
const secretFields = new WeakMap<z.ZodType, SecretFieldMeta>();

/** A configuration problem with a sealed secret: which setting and what to do. */
export class ConfigSecretError extends Error {
  override name = 'ConfigSecretError';
}

/**
 * A configuration string that holds a secret: it may be sealed, and docs/configuration.md says so.
 * `plain` validates the value itself (before sealing, or after opening).
 *
 * @example clientSecret: secretString('Client secret registered with the provider.')
 * @example url: secretString('Incoming webhook URL.', z.string().url())
 * @see openConfigSecrets
 */
export function secretString(description: string, plain: z.ZodString = z.string().min(1)) {
  const schema = z.string().min(1).superRefine((value, ctx) => {
    if (isSealed(value)) return;
    const result = plain.safeParse(value);
    if (!result.success) ctx.addIssue({ code: 'custom', message: result.error.issues[0]?.message ?? 'invalid value' });
  }).describe(`${description} Secret: may be sealed with \`vigil secret seal\` (docs/security.md).`);
  secretFields.set(schema, { plain });
  return schema;
}

/** Where a secret setting was found, whether it was written sealed, and why it does not open. */
export interface SecretSetting {
  /** Path as written in the file, e.g. `auth.oidc.providers[0].clientSecret`. */
  path: string;
  sealed: boolean;
  /** Set when `box` was given and the sealed value does not open or is invalid once opened. */
  problem?: string;
}

/**
 * Every secret setting present in `config`, each sealed one tried with `box` when given (values are
 * never returned): what `vigil secret check` reports.
 */
export function secretSettings(schema: z.ZodType, config: unknown, box?: SecretBox): SecretSetting[] {
  const found: SecretSetting[] = [];
  visitSecrets(schema, config, '', (path, value, meta) => {
    const setting: SecretSetting = { path, sealed: isSealed(value) };
    if (box && setting.sealed) {
      try {
        openSetting(box, path, value, meta);
      } catch (err) {
        if (!(err instanceof ConfigSecretError)) throw err;
        setting.problem = err.message;
      }
    }
    found.push(setting);
    return value;
  });
  return found;
}

/**
 * Returns a copy of `config` whose sealed secret settings are opened with `box`, and the paths of
 * the secret settings written in plain text. Throws {@link ConfigSecretError} naming the setting when a
 * sealed value does not open (altered, or sealed with another master key).
 *
 * @example const { config: opened, plain } = openConfigSecrets(configSchema, config, core.secrets)
 */
export function openConfigSecrets<T>(schema: z.ZodType, config: T, box: SecretBox): { config: T; plain: string[] } {
  const plain: string[] = [];
  const opened = visitSecrets(schema, config, '', (path, value, meta) => {
    if (!isSealed(value)) {
      plain.push(path);
      return value;
    }
    return openSetting(box, path, value, meta);
  }) as T;
  return { config: opened, plain };
}

function openSetting(box: SecretBox, path: string, value: string, meta: SecretFieldMeta): string {
  let text: string;
  try {
    text = box.open(value, CONFIG_SECRET_PURPOSE);
  } catch (err) {
    if (!(err instanceof SecretBoxError)) throw err;
    throw new ConfigSecretError(`the sealed value of ${path} cannot be opened: it was altered, or sealed with another master key (check with \`vigil secret check\`)`);
  }
  const check = meta.plain.safeParse(text);
  if (!check.success) throw new ConfigSecretError(`the sealed value of ${path} is invalid once opened: ${check.error.issues[0]?.message ?? 'invalid value'}`);
  return text;
}

/** The master key file of a configuration: `secrets.masterKeyFile`, else `<dataDir>/master.key`. */
export function masterKeyPath(config: { dataDir: string; secrets: { masterKeyFile?: string | undefined } }): string {
  return config.secrets.masterKeyFile ?? join(config.dataDir, 'master.key');
}

/**
 * Loads the master key of a configuration. The default file is created on first use; a file named
 * explicitly in `secrets.masterKeyFile` must exist, since creating a fresh key there would silently
 * make every sealed value unreadable (a restore that forgot the key, a typo in the path).
 */
export function loadConfigMasterKey(config: { dataDir: string; secrets: { masterKeyFile?: string | undefined } }): Buffer {
  const path = masterKeyPath(config);
  if (config.secrets.masterKeyFile !== undefined && !existsSync(path)) {
    throw new ConfigSecretError(`the master key file ${path} (secrets.masterKeyFile) does not exist; restore it from your backup, or remove the setting to use <dataDir>/master.key`);
  }
  return loadOrCreateMasterKey(path);
}

type SecretVisitor = (path: string, value: string, meta: SecretFieldMeta) => string;

/** Walks the schema and the value together; returns the value with each secret string replaced by `visit`. */
function visitSecrets(schema: z.ZodType, value: unknown, path: string, visit: SecretVisitor): unknown {
  let current: z.ZodType = schema;
  for (;;) {
    const meta = secretFields.get(current);
    if (meta) return typeof value === 'string' ? visit(path, value, meta) : value;
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  if (current instanceof z.ZodObject && isRecord(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const [key, child] of Object.entries(current.shape)) {
      if (key in value) out[key] = visitSecrets(child as z.ZodType, value[key], path ? `${path}.${key}` : key, visit);
    }
    return out;
  }
  if (current instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item, i) => visitSecrets(current.element as z.ZodType, item, `${path}[${i}]`, visit));
  }
  if (current instanceof z.ZodRecord && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = visitSecrets(current.valueType as z.ZodType, item, `${path}.${key}`, visit);
    return out;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
