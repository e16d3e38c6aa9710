import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type VigilConfig } from './config-schema.ts';

/** A configuration problem a person can act on: which setting, from where, and what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** YAML file to read; when absent, `VIGIL_CONFIG` names it, else no file is read. */
  file?: string;
  env?: Record<string, string | undefined>;
  /** Values that win over file and environment (command-line flags). */
  overrides?: Record<string, unknown>;
}

/** Environment variables that are not configuration keys. */
const NON_CONFIG_ENV = new Set(['VIGIL_CONFIG', 'VIGIL_URL', 'VIGIL_TOKEN', 'VIGIL_DEV_API']);

/**
 * Reads configuration from (lowest to highest precedence) defaults, the YAML file, `VIGIL_*`
 * environment variables and overrides, and validates the result. Throws {@link ConfigError} with
 * every problem listed.
 *
 * @example loadConfig({ file: 'vigil.yaml', env: process.env })
 */
export function loadConfig(options: LoadConfigOptions = {}): VigilConfig {
  const env = options.env ?? {};
  const file = options.file ?? env.VIGIL_CONFIG;
  let fromFile: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`);
    }
    try {
      fromFile = parseYaml(text, { maxAliasCount: 100 }) ?? {};
    } catch (err) {
      throw new ConfigError(`configuration file ${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new ConfigError(`configuration file ${file} must hold a mapping of settings`);
    }
  }
  const merged = deepMerge(deepMerge(fromFile as Record<string, unknown>, fromEnv(env)), options.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const where = file ? ` (file ${file} and VIGIL_* variables)` : '';
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration${where}:\n${lines.join('\n')}`);
  }
  const config = result.data;
  config.dataDir = resolve(config.dataDir);
  return config;
}

/** One leaf setting: its path in the configuration, its environment variable, its schema. */
export interface ConfigKey {
  path: string[];
  envName: string;
  schema: z.ZodType;
  description?: string;
}

/** Every leaf setting with its `VIGIL_*` name: `server.port` → `VIGIL_SERVER__PORT`, `dataDir` → `VIGIL_DATA_DIR`. */
export function configKeys(): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const walk = (schema: z.ZodType, path: string[], description?: string): void => {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape)) walk(child as z.ZodType, [...path, key], (child as z.ZodType).description);
      return;
    }
    keys.push({ path, envName: envNameOf(path), schema: inner, description: description ?? schema.description });
  };
  walk(configSchema, []);
  return keys;
}

function envNameOf(path: string[]): string {
  return `VIGIL_${path.map((p) => p.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join('__')}`;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function fromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const keys = new Map(configKeys().map((k) => [k.envName, k]));
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('VIGIL_') || NON_CONFIG_ENV.has(name) || value === undefined) continue;
    const key = keys.get(name);
    if (!key) {
      unknown.push(name);
      continue;
    }
    let target = out;
    for (const part of key.path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[key.path.at(-1)!] = coerce(value, key.schema);
  }
  if (unknown.length > 0) {
    throw new ConfigError(`unknown configuration variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see docs/configuration.md)`);
  }
  return out;
}

function coerce(value: string, schema: z.ZodType): unknown {
  if (schema instanceof z.ZodNumber) return value.trim() === '' ? value : Number(value);
  if (schema instanceof z.ZodBoolean) {
    if (/^(true|1|yes|on)$/i.test(value)) return true;
    if (/^(false|0|no|off)$/i.test(value)) return false;
  }
  return value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
