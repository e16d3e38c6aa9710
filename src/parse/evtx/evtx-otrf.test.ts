/**
 * Real events, round-tripped: OTRF (Mordor) Security 4624/4688, Sysmon 1/3 and PowerShell 4104
 * events are written to EVTX with the value types their providers' manifests declare, read back, and
 * must normalize to the same ECS fields as the original JSON export.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeRecord } from '../../normalize/normalize-record.ts';
import { otrfArchives, readOtrfLines } from '../../../test/otrf-reader.ts';
import { writeEvtx, type WValue } from '../../../test/helpers/evtx-writer.ts';
import { windowsEvent, str, sid, guid, u32, u16, bool, hex64 } from '../../../test/helpers/evtx-events.ts';
import { readEvtxBytes } from './evtx-reader.ts';

type Convert = (v: string) => WValue;
const i32: Convert = (v) => ({ t: 'i32', v: Number(v) });
const num = (f: (n: number) => WValue): Convert => (v) => f(Number(v));
const hex: Convert = (v) => hex64(BigInt(v));
const boolean: Convert = (v) => bool(v === 'true');

/** EventData fields in manifest order, with their manifest types (strings unless listed). */
const LAYOUTS: Record<string, [string, Convert?][]> = {
  'Security:4624': [['SubjectUserSid', sid], ['SubjectUserName'], ['SubjectDomainName'], ['SubjectLogonId', hex], ['TargetUserSid', sid],
    ['TargetUserName'], ['TargetDomainName'], ['TargetLogonId', hex], ['LogonType', num(u32)], ['LogonProcessName'], ['AuthenticationPackageName'],
    ['WorkstationName'], ['LogonGuid', guid], ['TransmittedServices'], ['LmPackageName'], ['KeyLength', num(u32)], ['ProcessId', hex],
    ['ProcessName'], ['IpAddress'], ['IpPort'], ['ImpersonationLevel'], ['RestrictedAdminMode'], ['TargetOutboundUserName'],
    ['TargetOutboundDomainName'], ['VirtualAccount'], ['TargetLinkedLogonId', hex], ['ElevatedToken']],
  'Security:4688': [['SubjectUserSid', sid], ['SubjectUserName'], ['SubjectDomainName'], ['SubjectLogonId', hex], ['NewProcessId', hex],
    ['NewProcessName'], ['TokenElevationType'], ['ProcessId', hex], ['CommandLine'], ['TargetUserSid', sid], ['TargetUserName'],
    ['TargetDomainName'], ['TargetLogonId', hex], ['ParentProcessName'], ['MandatoryLabel', sid]],
  'Microsoft-Windows-Sysmon/Operational:1': [['RuleName'], ['UtcTime'], ['ProcessGuid', guid], ['ProcessId', num(u32)], ['Image'],
    ['FileVersion'], ['Description'], ['Product'], ['Company'], ['OriginalFileName'], ['CommandLine'], ['CurrentDirectory'], ['User'],
    ['LogonGuid', guid], ['LogonId', hex], ['TerminalSessionId', num(u32)], ['IntegrityLevel'], ['Hashes'], ['ParentProcessGuid', guid],
    ['ParentProcessId', num(u32)], ['ParentImage'], ['ParentCommandLine']],
  'Microsoft-Windows-Sysmon/Operational:3': [['RuleName'], ['UtcTime'], ['ProcessGuid', guid], ['ProcessId', num(u32)], ['Image'], ['User'],
    ['Protocol'], ['Initiated', boolean], ['SourceIsIpv6', boolean], ['SourceIp'], ['SourceHostname'], ['SourcePort', num(u16)],
    ['SourcePortName'], ['DestinationIsIpv6', boolean], ['DestinationIp'], ['DestinationHostname'], ['DestinationPort', num(u16)],
    ['DestinationPortName']],
  'Microsoft-Windows-PowerShell/Operational:4104': [['MessageNumber', i32], ['MessageTotal', i32], ['ScriptBlockText'], ['ScriptBlockId'], ['Path']],
};

/** One OTRF event of each kind, from the first archives that hold them. */
function sampleEvents(): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const archive of otrfArchives()) {
    for (const line of readOtrfLines(archive, 3000)) {
      const r = JSON.parse(line) as Record<string, unknown>;
      const key = `${String(r.Channel)}:${String(r.EventID)}`;
      if (key in LAYOUTS && !found.has(key)) found.set(key, r);
    }
    if (found.size === Object.keys(LAYOUTS).length) break;
  }
  return found;
}

const normalize = (text: string) =>
  normalizeRecord({ source: 't', sourceType: 'windows', receivedAt: Date.UTC(2024, 0, 1), text }, DEFAULT_INPUT_LIMITS);

/** The ECS part of a normalized event: what detections and searches use (winlog.* keeps the raw values). */
function ecs(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('winlog.') || key.startsWith('nxlog.') || key.startsWith('log.') || key === 'tags' || key === 'message') continue;
    out[key] = value;
  }
  return out;
}

const samples = sampleEvents();

describe.skipIf(samples.size < Object.keys(LAYOUTS).length)('EVTX round trip of real OTRF events', () => {
  for (const [key, layout] of Object.entries(LAYOUTS)) {
    it(`${key} normalizes to the same ECS fields as its JSON export`, () => {
      const flat = samples.get(key) as Record<string, unknown>;
      const data: [string, WValue][] = [];
      for (const [name, convert] of layout) {
        const value = flat[name];
        if (value === undefined) continue;
        data.push([name, (convert ?? str)(String(value))]);
      }
      const time = new Date(String(flat['@timestamp']));
      const bytes = writeEvtx([{ event: windowsEvent({
        provider: String(flat.SourceName), providerGuid: typeof flat.ProviderGuid === 'string' ? flat.ProviderGuid : undefined,
        eventId: Number(flat.EventID), version: Number(flat.Version ?? 0), task: Number(flat.Task ?? 0), time,
        recordId: Number(flat.RecordNumber ?? 1), processId: Number(flat.ExecutionProcessID ?? 4), threadId: Number(flat.ThreadID ?? 8),
        channel: String(flat.Channel), computer: String(flat.Hostname), userId: typeof flat.UserID === 'string' ? flat.UserID : undefined, data,
      }) }]);
      const [chunk] = [...readEvtxBytes(bytes)];
      expect(chunk?.warnings).toEqual([]);
      const event = chunk?.records[0]?.event as { Event: { EventData: Record<string, unknown> } };
      for (const [name] of data) expect(event.Event.EventData).toHaveProperty([name]);

      const fromEvtx = normalize(JSON.stringify(event));
      const fromJson = normalize(JSON.stringify({ ...flat, TimeCreated: flat['@timestamp'] }));
      expect(fromEvtx.parseError).toBeUndefined();
      expect(fromEvtx.timestamp).toBe(time.getTime());
      const expected = ecs(fromJson.fields);
      expect(Object.keys(expected).length).toBeGreaterThan(8);
      expect(ecs(fromEvtx.fields)).toEqual(expected);
    });
  }
});
