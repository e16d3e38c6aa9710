/**
 * Sigma tags as analysts read them: `attack.t1059.001` is ATT&CK technique T1059.001 (linked to
 * attack.mitre.org), `attack.execution` the Execution tactic, `attack.g0016` a group, `attack.s0002`
 * a piece of software; other namespaces (`cve.`, `car.`, `detection.`, `tlp.`) stay as written.
 */

export type ParsedTag =
  | { kind: 'technique' | 'group' | 'software' | 'tactic'; id: string; label: string; url: string; tag: string }
  | { kind: 'other'; label: string; tag: string };

const MITRE = 'https://attack.mitre.org';

/** ATT&CK enterprise tactics by their Sigma tag name (hyphens; older rules use underscores). */
const TACTICS: ReadonlyMap<string, { id: string; label: string }> = new Map([
  ['reconnaissance', { id: 'TA0043', label: 'Reconnaissance' }],
  ['resource-development', { id: 'TA0042', label: 'Resource Development' }],
  ['initial-access', { id: 'TA0001', label: 'Initial Access' }],
  ['execution', { id: 'TA0002', label: 'Execution' }],
  ['persistence', { id: 'TA0003', label: 'Persistence' }],
  ['privilege-escalation', { id: 'TA0004', label: 'Privilege Escalation' }],
  ['defense-evasion', { id: 'TA0005', label: 'Defense Evasion' }],
  ['credential-access', { id: 'TA0006', label: 'Credential Access' }],
  ['discovery', { id: 'TA0007', label: 'Discovery' }],
  ['lateral-movement', { id: 'TA0008', label: 'Lateral Movement' }],
  ['collection', { id: 'TA0009', label: 'Collection' }],
  ['command-and-control', { id: 'TA0011', label: 'Command and Control' }],
  ['exfiltration', { id: 'TA0010', label: 'Exfiltration' }],
  ['impact', { id: 'TA0040', label: 'Impact' }],
]);

/** Reads one tag; anything unexpected is `other`, shown as written (never a link built from it). */
export function parseTag(tag: string): ParsedTag {
  const lower = tag.trim().toLowerCase();
  if (!lower.startsWith('attack.')) return { kind: 'other', label: tag, tag };
  const rest = lower.slice('attack.'.length);
  const technique = /^t(\d{4})(?:\.(\d{3}))?$/.exec(rest);
  if (technique) {
    const [, main, sub] = technique;
    const id = sub === undefined ? `T${main}` : `T${main}.${sub}`;
    return { kind: 'technique', id, label: id, url: `${MITRE}/techniques/T${main}/${sub === undefined ? '' : `${sub}/`}`, tag };
  }
  const group = /^g(\d{4})$/.exec(rest);
  if (group) return { kind: 'group', id: `G${group[1]}`, label: `G${group[1]}`, url: `${MITRE}/groups/G${group[1]}/`, tag };
  const software = /^s(\d{4})$/.exec(rest);
  if (software) return { kind: 'software', id: `S${software[1]}`, label: `S${software[1]}`, url: `${MITRE}/software/S${software[1]}/`, tag };
  const tactic = TACTICS.get(rest.replaceAll('_', '-'));
  if (tactic) return { kind: 'tactic', id: tactic.id, label: tactic.label, url: `${MITRE}/tactics/${tactic.id}/`, tag };
  return { kind: 'other', label: tag, tag };
}

/** Tags in reading order: tactics, then techniques, groups and software, then everything else. */
export function parseTags(tags: readonly string[]): ParsedTag[] {
  const order = { tactic: 0, technique: 1, group: 2, software: 3, other: 4 } as const;
  return tags.map(parseTag).sort((a, b) => order[a.kind] - order[b.kind]);
}
