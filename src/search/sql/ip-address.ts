/**
 * Address arithmetic for CIDR filters: the parser gives a network's first and last address in
 * canonical text; the compiler turns them into the comparable forms the dialect's
 * `ipv4ToInteger` / `ipv6ToHex` produce from stored values.
 */

/** `10.1.2.3` → 167838211; undefined for anything but a dotted quad of 0..255. */
export function ipv4ToInteger(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** `2001:db8::1` → `20010db8000000000000000000000001`; undefined when not an IPv6 address. */
export function ipv6ToHex(text: string): string | undefined {
  let address = text.toLowerCase();
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) becomes two hex groups.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const n = ipv4ToInteger(v4[2]!);
    if (n === undefined) return undefined;
    address = `${v4[1]}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.padStart(4, '0')).join('');
}
