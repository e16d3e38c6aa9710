import type { SourceType } from './source-type.ts';
import { auditdSourceType } from './auditd.ts';
import { cefSourceType, leefSourceType } from './cef.ts';
import { syslogSourceType } from './syslog.ts';
import { apacheSourceType, nginxSourceType } from './web-access.ts';
import { windowsSourceType } from './windows/windows.ts';
import { cloudTrailSourceType } from './cloudtrail.ts';
import { oktaSourceType } from './okta.ts';
import { gitHubSourceType } from './github.ts';
import { vaultSourceType } from './vault.ts';
import { teleportSourceType } from './teleport.ts';
import { suricataSourceType } from './suricata.ts';
import { zeekSourceType } from './zeek.ts';
import { genericJsonSourceType } from './generic-json.ts';

/**
 * Every source type Vigil ships, in auto-detection order: specific formats before generic ones.
 * A plain list instead of self-registration so the order is visible and imports have no side effects.
 */
export const SOURCE_TYPES: readonly SourceType[] = [
  // text formats (syslog envelopes dispatch their message to program parsers themselves)
  auditdSourceType,
  cefSourceType,
  leefSourceType,
  apacheSourceType,
  nginxSourceType,
  syslogSourceType,
  // json families
  windowsSourceType,
  cloudTrailSourceType,
  oktaSourceType,
  gitHubSourceType,
  vaultSourceType,
  teleportSourceType,
  suricataSourceType,
  zeekSourceType,
  genericJsonSourceType, // detects any object: must stay last
];

const byName = new Map(SOURCE_TYPES.map((t) => [t.name, t]));

export function findSourceType(name: string): SourceType | undefined {
  return byName.get(name);
}

/** Names accepted wherever a source type is configured: every registered type plus `auto`. */
export function sourceTypeNames(): string[] {
  return ['auto', ...byName.keys()];
}
