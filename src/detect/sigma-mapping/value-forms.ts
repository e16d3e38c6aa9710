/**
 * Value forms Sigma rules and real Windows data disagree on: process ids written in hex by the
 * Security log (`0x1f4`) but in decimal by Sysmon and rules, logon ids and status codes written in
 * hex by rules but in decimal by some shippers, GUIDs with or without braces, and integrity levels as
 * SIDs (`S-1-16-12288`) or names (`High`). A field whose value is in the other form resolves to both
 * forms (an array: Sigma matches when any value does), so a rule written either way matches.
 */

/** Fields Sigma rules write in hex (logon ids, NTSTATUS codes, access masks, Kerberos flags). */
const HEX_FIELDS: ReadonlySet<string> = new Set([
  'LogonId', 'SubjectLogonId', 'TargetLogonId', 'TargetLinkedLogonId', 'Status', 'SubStatus', 'FailureCode',
  'TicketOptions', 'TicketEncryptionType', 'AccessMask', 'GrantedAccess', 'ResultCode', 'UserAccountControl',
  'OldUacValue', 'NewUacValue',
]);

/** Process and thread ids: decimal in Sysmon and in rules, hex in the Security log. */
const DECIMAL_ID = /(?:Process|Thread)I[dD]$/;
const GUID_NAME = /Gu?id$/i;

export type ValueForm = 'hex' | 'decimal' | 'guid' | 'plain';

/** How a field's values are normalized, by the field's Sigma name. */
export function valueFormOf(field: string): ValueForm {
  if (HEX_FIELDS.has(field)) return 'hex';
  if (DECIMAL_ID.test(field)) return 'decimal';
  if (GUID_NAME.test(field)) return 'guid';
  return 'plain';
}

const HEX_TEXT = /^0[xX][0-9a-fA-F]{1,16}$/;
const DECIMAL_TEXT = /^\d{1,20}$/;

/**
 * The value, or the value and its other form when it is written in the form the rules do not use.
 *
 * @example withValueForms('0x1f4', 'decimal') // ['0x1f4', '500']
 * @example withValueForms(999, 'hex') // [999, '0x3e7']
 * @example withValueForms('{5a1e…}', 'guid') // ['{5a1e…}', '5a1e…']
 */
export function withValueForms(value: unknown, form: ValueForm): unknown {
  switch (form) {
    case 'plain':
      return value;
    case 'decimal':
      return typeof value === 'string' && HEX_TEXT.test(value) ? [value, BigInt(value).toString(10)] : value;
    case 'hex': {
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return [value, `0x${value.toString(16)}`];
      return typeof value === 'string' && DECIMAL_TEXT.test(value) ? [value, `0x${BigInt(value).toString(16)}`] : value;
    }
    case 'guid':
      return typeof value === 'string' ? withGuidForms(value) : value;
  }
}

const BARE_GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function withGuidForms(value: string): unknown {
  if (value.length === 38 && value.startsWith('{') && value.endsWith('}') && BARE_GUID.test(value.slice(1, -1))) {
    return [value, value.slice(1, -1)];
  }
  if (value.length === 36 && BARE_GUID.test(value)) return [value, `{${value}}`];
  return value;
}

/** Mandatory label SIDs (Security 4688 `MandatoryLabel`) and the names Sysmon writes as `IntegrityLevel`. */
const INTEGRITY_LEVELS: Readonly<Record<string, string>> = {
  'S-1-16-0': 'Untrusted',
  'S-1-16-4096': 'Low',
  'S-1-16-8192': 'Medium',
  'S-1-16-8448': 'MediumPlus',
  'S-1-16-12288': 'High',
  'S-1-16-16384': 'System',
  'S-1-16-20480': 'Protected',
};

/**
 * A mandatory label SID with its integrity level name: rules test either.
 *
 * @example integrityLevelForms('S-1-16-12288') // ['S-1-16-12288', 'High']
 */
export function integrityLevelForms(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const name = INTEGRITY_LEVELS[value.toUpperCase()];
  return name === undefined ? value : [value, name];
}

/** Well-known service account SIDs, named as Sysmon's `User` field names them. */
const SERVICE_ACCOUNTS: Readonly<Record<string, string>> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

/** `DOMAIN\user` as Sysmon writes it, from a Security log SID, domain and name (`-` means none). */
export function windowsAccount(sid: unknown, domain: unknown, name: unknown): string | undefined {
  if (typeof sid === 'string') {
    const known = SERVICE_ACCOUNTS[sid.toUpperCase()];
    if (known !== undefined) return known;
  }
  if (typeof name !== 'string' || name === '' || name === '-') return undefined;
  return typeof domain === 'string' && domain !== '' && domain !== '-' ? `${domain}\\${name}` : name;
}

/** One hash out of Sysmon's `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (algorithm name upper-case). */
export function hashFrom(hashes: unknown, algorithm: string): string | undefined {
  if (typeof hashes !== 'string') return undefined;
  const at = hashes.toUpperCase().indexOf(`${algorithm}=`);
  if (at < 0 || (at > 0 && hashes[at - 1] !== ',')) return undefined;
  const start = at + algorithm.length + 1;
  const end = hashes.indexOf(',', start);
  return hashes.slice(start, end < 0 ? undefined : end);
}

/** The extension of the last path segment (`/a/b.php` → `php`), as W3C's `c-uri-extension`. */
export function extensionOf(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash && dot < path.length - 1 ? path.slice(dot + 1) : undefined;
}
