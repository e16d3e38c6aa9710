/**
 * Windows event logs as JSON (Security, System, Sysmon, PowerShell, ...) in any of the shapes in
 * {@link ./shapes.ts}. Every EventData field is kept as `winlog.event_data.<Name>` — Sigma rules
 * address `CommandLine`, `Image`, `TargetFilename` through those — and the common events are mapped
 * to ECS by {@link ./sysmon.ts} and {@link ./security.ts}.
 */
import type { EventFields } from '../../core/event.ts';
import type { ObjectSourceType } from '../source-type.ts';
import { fromEvtx, fromFlat, fromWinlogbeat, fromWinlogbeat6, windowsShape, type WinEvent } from './shapes.ts';
import { mapSysmon } from './sysmon.ts';
import { mapPowerShell, mapSecurity, mapSystem } from './security.ts';
import { put } from '../json-fields.ts';

// Channel names are case-insensitive in Windows, and exports differ (OTRF writes `security`).
const SYSMON_CHANNEL = 'microsoft-windows-sysmon/operational';

/** `event.code` strings for event IDs, cached for the same reason. */
const codes: string[] = [];
function codeOf(id: number): string {
  return (codes[id] ??= String(id));
}

function normalizeWindows(record: Record<string, unknown>): EventFields {
  // Many keys, differing per event: start in dictionary mode rather than grow hidden-class chains.
  const out: EventFields = { _: null };
  delete out._;
  const shape = windowsShape(record);
  const ev: WinEvent = shape === 'evtx' ? fromEvtx(record, out)
    : shape === 'winlogbeat' ? fromWinlogbeat(record, out)
      : shape === 'winlogbeat6' ? fromWinlogbeat6(record, out)
        : fromFlat(record, out);

  // A time that did not parse is dropped here (the record keeps it): the receive time stands in.
  if (ev.time !== undefined) out['@timestamp'] = ev.time;
  else delete out['@timestamp'];
  const code = codeOf(ev.eventId);
  out['event.code'] = code;
  out['winlog.event_id'] = code;
  out['event.kind'] = 'event';
  put(out, 'winlog.channel', ev.channel);
  put(out, 'winlog.provider_name', ev.provider);
  put(out, 'event.provider', ev.provider);
  put(out, 'winlog.computer_name', ev.computer);
  put(out, 'host.name', ev.computer);
  put(out, 'message', ev.message);

  const channel = (ev.channel ?? '').toLowerCase();
  if (channel === SYSMON_CHANNEL || ev.provider === 'Microsoft-Windows-Sysmon') {
    out['event.module'] = 'sysmon';
    mapSysmon(ev, out);
  } else if (channel === 'security') {
    out['event.module'] = 'security';
    mapSecurity(ev, out);
  } else if (channel === 'microsoft-windows-powershell/operational' || channel === 'windows powershell') {
    out['event.module'] = 'powershell';
    mapPowerShell(ev, out);
  } else if (channel === 'system') {
    out['event.module'] = 'system';
    mapSystem(ev, out);
  }
  return out;
}

export const windowsSourceType: ObjectSourceType = {
  name: 'windows',
  description: 'Windows event logs (Security, System, Sysmon, PowerShell) as JSON: flat NXLog/OTRF, evtx_dump or Winlogbeat',
  input: 'object',
  detect: (record) => windowsShape(record) !== undefined,
  normalize: normalizeWindows,
};
