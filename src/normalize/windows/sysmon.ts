/** ECS mapping of Sysmon events (channel Microsoft-Windows-Sysmon/Operational), after Elastic's Sysmon integration. */
import type { EventFields } from '../../core/event.ts';
import { addRelated, ip, put, putPath } from '../json-fields.ts';
import { categorize, d, putDomainUser, putEndpoint, putHashes, putProcess } from './common.ts';
import type { WinEvent } from './shapes.ts';

/** Sysmon event IDs: ECS category, type and action. */
const SYSMON: Readonly<Record<number, readonly [string, string, string]>> = {
  1: ['process', 'start', 'process-created'],
  2: ['file', 'change', 'file-creation-time-changed'],
  3: ['network', 'connection', 'network-connection'],
  4: ['process', 'change', 'sysmon-state-changed'],
  5: ['process', 'end', 'process-terminated'],
  6: ['driver', 'start', 'driver-loaded'],
  7: ['process', 'change', 'image-loaded'],
  8: ['process', 'change', 'create-remote-thread'],
  9: ['process', 'access', 'raw-access-read'],
  10: ['process', 'access', 'process-accessed'],
  11: ['file', 'creation', 'file-created'],
  12: ['registry', 'change', 'registry-object-added-or-deleted'],
  13: ['registry', 'change', 'registry-value-set'],
  14: ['registry', 'change', 'registry-object-renamed'],
  15: ['file', 'creation', 'file-stream-created'],
  16: ['configuration', 'change', 'sysmon-config-changed'],
  17: ['file', 'creation', 'pipe-created'],
  18: ['file', 'access', 'pipe-connected'],
  19: ['host', 'creation', 'wmi-filter-registered'],
  20: ['host', 'creation', 'wmi-consumer-registered'],
  21: ['host', 'creation', 'wmi-consumer-bound'],
  22: ['network', 'protocol', 'dns-query'],
  23: ['file', 'deletion', 'file-deleted'],
  24: ['host', 'change', 'clipboard-changed'],
  25: ['process', 'change', 'process-tampering'],
  26: ['file', 'deletion', 'file-deleted-detected'],
  27: ['file', 'denied', 'file-executable-blocked'],
  28: ['file', 'denied', 'file-shredding-blocked'],
  29: ['file', 'creation', 'file-executable-detected'],
};

const HIVES: Readonly<Record<string, string>> = {
  HKLM: 'HKLM', HKU: 'HKU', HKCR: 'HKCR', HKCU: 'HKCU', HKCC: 'HKCC',
  HKEY_LOCAL_MACHINE: 'HKLM', HKEY_USERS: 'HKU', HKEY_CLASSES_ROOT: 'HKCR', HKEY_CURRENT_USER: 'HKCU',
};

export function mapSysmon(ev: WinEvent, out: EventFields): void {
  const id = ev.eventId;
  const entry = SYSMON[id];
  if (entry) categorize(out, entry[0], entry[1], entry[2]);

  switch (id) {
    case 8:
      putProcess(out, ev, 'process', 'SourceProcessId', 'SourceImage', 'SourceProcessGuid');
      putDomainUser(out, 'user', d(ev, 'SourceUser'));
      break;
    case 10:
      putProcess(out, ev, 'process', 'SourceProcessId', 'SourceImage', ev.data.SourceProcessGUID !== undefined ? 'SourceProcessGUID' : 'SourceProcessGuid');
      put(out, 'process.thread.id', Number(d(ev, 'SourceThreadId')) || undefined);
      putDomainUser(out, 'user', d(ev, 'SourceUser'));
      break;
    default:
      putProcess(out, ev, 'process', 'ProcessId', 'Image', 'ProcessGuid');
      putDomainUser(out, 'user', d(ev, 'User'));
  }

  switch (id) {
    case 1: {
      put(out, 'process.command_line', d(ev, 'CommandLine'));
      put(out, 'process.working_directory', d(ev, 'CurrentDirectory'));
      putProcess(out, ev, 'process.parent', 'ParentProcessId', 'ParentImage', 'ParentProcessGuid');
      put(out, 'process.parent.command_line', d(ev, 'ParentCommandLine'));
      putHashes(out, 'process', d(ev, 'Hashes'));
      put(out, 'process.pe.original_file_name', d(ev, 'OriginalFileName'));
      put(out, 'process.pe.description', d(ev, 'Description'));
      put(out, 'process.pe.product', d(ev, 'Product'));
      put(out, 'process.pe.company', d(ev, 'Company'));
      put(out, 'process.pe.file_version', d(ev, 'FileVersion'));
      break;
    }
    case 3: {
      const transport = d(ev, 'Protocol');
      put(out, 'network.transport', transport?.toLowerCase());
      const initiated = d(ev, 'Initiated');
      if (initiated !== undefined) out['network.direction'] = initiated === 'true' ? 'egress' : 'ingress';
      const v6 = d(ev, 'SourceIsIpv6');
      if (v6 !== undefined) out['network.type'] = v6 === 'true' ? 'ipv6' : 'ipv4';
      putEndpoint(out, ev, 'source', 'SourceIp', 'SourcePort');
      putEndpoint(out, ev, 'destination', 'DestinationIp', 'DestinationPort');
      const srcHost = d(ev, 'SourceHostname');
      const dstHost = d(ev, 'DestinationHostname');
      put(out, 'source.domain', srcHost);
      put(out, 'destination.domain', dstHost);
      addRelated(out, 'related.hosts', srcHost);
      addRelated(out, 'related.hosts', dstHost);
      out['event.type'] = ['connection', 'start'];
      break;
    }
    case 6:
      putPath(out, 'file', d(ev, 'ImageLoaded'));
      putHashes(out, 'file', d(ev, 'Hashes'));
      put(out, 'file.code_signature.subject_name', d(ev, 'Signature'));
      put(out, 'file.code_signature.status', d(ev, 'SignatureStatus'));
      break;
    case 7:
      putPath(out, 'file', d(ev, 'ImageLoaded'));
      putPath(out, 'dll', d(ev, 'ImageLoaded'));
      putHashes(out, 'dll', d(ev, 'Hashes'));
      put(out, 'dll.code_signature.subject_name', d(ev, 'Signature'));
      put(out, 'dll.code_signature.status', d(ev, 'SignatureStatus'));
      put(out, 'dll.pe.original_file_name', d(ev, 'OriginalFileName'));
      break;
    case 2: case 11: case 23: case 26: case 27: case 28: case 29:
      putPath(out, 'file', d(ev, 'TargetFilename'));
      putHashes(out, 'file', d(ev, 'Hashes'));
      break;
    case 15:
      putPath(out, 'file', d(ev, 'TargetFilename'));
      putHashes(out, 'file', d(ev, 'Hash'));
      break;
    case 12: case 13: case 14:
      mapRegistry(ev, out);
      break;
    case 17: case 18:
      put(out, 'file.name', d(ev, 'PipeName'));
      break;
    case 22:
      mapDns(ev, out);
      break;
  }
}

function mapRegistry(ev: WinEvent, out: EventFields): void {
  const target = d(ev, 'TargetObject');
  const eventType = d(ev, 'EventType');
  if (eventType === 'CreateKey') out['event.type'] = ['creation'];
  else if (eventType === 'DeleteKey' || eventType === 'DeleteValue') out['event.type'] = ['deletion'];
  if (target === undefined) return;
  out['registry.path'] = target;
  const slash = target.indexOf('\\');
  const hive = slash < 0 ? undefined : HIVES[target.slice(0, slash).toUpperCase()];
  if (hive !== undefined) {
    out['registry.hive'] = hive;
    out['registry.key'] = target.slice(slash + 1);
  }
  if (ev.eventId === 13 || eventType === 'SetValue' || eventType === 'DeleteValue') {
    const last = target.lastIndexOf('\\');
    out['registry.value'] = target.slice(last + 1);
    if (hive !== undefined && last > slash) out['registry.key'] = target.slice(slash + 1, last);
  }
  const details = d(ev, 'Details');
  if (details !== undefined) out['registry.data.strings'] = [details];
}

/** Sysmon 22: `QueryResults` is `;`-separated answers, IPs (IPv4-mapped) or `type:  5 name` records. */
function mapDns(ev: WinEvent, out: EventFields): void {
  const name = d(ev, 'QueryName');
  put(out, 'dns.question.name', name);
  addRelated(out, 'related.hosts', name);
  out['network.protocol'] = 'dns';
  put(out, 'dns.response_code', d(ev, 'QueryStatus') === '0' ? 'NOERROR' : undefined);
  const results = d(ev, 'QueryResults');
  if (results === undefined) return;
  const resolved: string[] = [];
  for (const part of results.split(';')) {
    const addr = ip(part.trim());
    if (addr !== undefined && !resolved.includes(addr)) resolved.push(addr);
  }
  if (resolved.length > 0) {
    out['dns.resolved_ip'] = resolved;
    for (const addr of resolved) addRelated(out, 'related.ip', addr);
  }
}
