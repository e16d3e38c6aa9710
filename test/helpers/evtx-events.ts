/**
 * Windows events as the EVTX writer takes them, laid out like real Windows templates: the System
 * element with its typed substitutions, then EventData (named or unnamed Data) or UserData.
 */
import type { WElement, WText, WValue } from './evtx-writer.ts';

export interface EventSpec {
  provider: string;
  providerGuid?: string;
  eventId: number;
  qualifiers?: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: bigint;
  time: Date;
  recordId: number;
  processId?: number;
  threadId?: number;
  channel: string;
  computer: string;
  userId?: string;
  activityId?: string;
  /** Named Data elements, in order; a missing name gives an unnamed `<Data>`. */
  data?: [string | undefined, WValue][];
  /** A UserData element (its child elements hold the values). */
  userData?: { name: string; xmlns: string; fields: [string, WValue][] };
  /** Puts the UserData element's content in an embedded BinXML substitution, as some providers do. */
  embedUserData?: boolean;
}

export const str = (v: string): WValue => ({ t: 'str', v });
export const u32 = (v: number): WValue => ({ t: 'u32', v });
export const hex32 = (v: number): WValue => ({ t: 'hex32', v });
export const hex64 = (v: bigint): WValue => ({ t: 'hex64', v });
export const sid = (v: string): WValue => ({ t: 'sid', v });
export const guid = (v: string): WValue => ({ t: 'guid', v });
export const u16 = (v: number): WValue => ({ t: 'u16', v });
export const u8 = (v: number): WValue => ({ t: 'u8', v });
export const u64 = (v: bigint): WValue => ({ t: 'u64', v });
export const bool = (v: boolean): WValue => ({ t: 'bool', v });
export const systime = (v: Date): WValue => ({ t: 'systemtime', v });
export const filetimeOf = (v: Date): WValue => ({ t: 'filetime', v: BigInt(v.getTime()) * 10_000n + 116444736000000000n });

const el = (name: string, attrs: [string, WText][] = [], children: (WElement | WText)[] = []): WElement => ({ name, attrs, children });

export function windowsEvent(s: EventSpec): WElement {
  const system = el('System', [], [
    el('Provider', [['Name', str(s.provider)], ...(s.providerGuid ? [['Guid', { ...guid(s.providerGuid), optional: true }] as [string, WText]] : [])]),
    el('EventID', [['Qualifiers', s.qualifiers === undefined ? { t: 'null', optional: true } : { ...u16(s.qualifiers), optional: true }]], [u16(s.eventId)]),
    el('Version', [], [u8(s.version ?? 0)]),
    el('Level', [], [u8(s.level ?? 4)]),
    el('Task', [], [u16(s.task ?? 0)]),
    el('Opcode', [], [u8(s.opcode ?? 0)]),
    el('Keywords', [], [hex64(s.keywords ?? 0x8000000000000000n)]),
    el('TimeCreated', [['SystemTime', filetimeOf(s.time)]]),
    el('EventRecordID', [], [u64(BigInt(s.recordId))]),
    el('Correlation', [
      ['ActivityID', s.activityId ? { ...guid(s.activityId), optional: true } : { t: 'null', optional: true }],
      ['RelatedActivityID', { t: 'null', optional: true }],
    ]),
    el('Execution', [['ProcessID', u32(s.processId ?? 4)], ['ThreadID', u32(s.threadId ?? 8)]]),
    el('Channel', [], [str(s.channel)]),
    el('Computer', [], [str(s.computer)]),
    el('Security', [['UserID', s.userId ? { ...sid(s.userId), optional: true } : { t: 'null', optional: true }]]),
  ]);
  const children: WElement[] = [system];
  if (s.data) {
    children.push(el('EventData', [], s.data.map(([name, value]) => el('Data', name === undefined ? [] : [['Name', name]], [value]))));
  }
  if (s.userData) {
    const inner = el(s.userData.name, [['xmlns', s.userData.xmlns]], s.userData.fields.map(([n, v]) => el(n, [], [v])));
    children.push(el('UserData', [], [s.embedUserData ? { t: 'binxml', v: inner } : inner]));
  }
  return el('Event', [['xmlns', 'http://schemas.microsoft.com/win/2004/08/events/event']], children);
}
