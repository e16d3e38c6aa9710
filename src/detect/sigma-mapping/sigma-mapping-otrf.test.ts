/**
 * The mapping on real Windows events: OTRF data sets read in place (never copied into the
 * repository), normalized as the pipeline does, then matched by logsource and field. The last test
 * runs the SigmaHQ Windows rules end to end (Sigma core + this mapping) and checks that the
 * techniques each data set records are detected, from Sysmon and from the Security log.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeRecord } from '../../normalize/normalize-record.ts';
import { OTRF_WINDOWS, readOtrfLines } from '../../../test/otrf-reader.ts';
import { SigmaCompiler, type CompiledSigmaRule } from '../sigma/sigma-compile.ts';
import { parseSigmaDocuments } from '../sigma/sigma-rule.ts';
import { eventFacts } from './event-stream.ts';
import { sigmaEventFor } from './field-mapping.ts';
import { LogsourceIndex } from './logsource-index.ts';
import { logsourceAccepts, mapLogsource } from './logsource.ts';

const SIGMA_WINDOWS = fileURLToPath(new URL('../../../../shared/sigma/rules/windows', import.meta.url));
const FODHELPER = join(OTRF_WINDOWS, 'privilege_escalation/host/empire_uac_shellapi_fodhelper.zip');
const PSEXEC = join(OTRF_WINDOWS, 'lateral_movement/host/empire_psexec_dcerpc_tcp_svcctl.zip');
const haveData = existsSync(FODHELPER) && existsSync(PSEXEC);

function events(archive: string): NormalizedEvent[] {
  return readOtrfLines(archive).map((text) => normalizeRecord({ source: 'otrf', sourceType: 'auto', receivedAt: 0, text }, DEFAULT_INPUT_LIMITS));
}

const processCreation = mapLogsource({ product: 'windows', category: 'process_creation' });
const security = mapLogsource({ product: 'windows', service: 'security' });
const psScript = mapLogsource({ product: 'windows', category: 'ps_script' });

describe.skipIf(!haveData)('sigma mapping on OTRF events (skipped when ../shared/datasets/otrf is absent)', () => {
  it('maps Sysmon 1, Security 4688 and 4624, and PowerShell 4104 with their fields', () => {
    const seen = { sysmon1: 0, security4688: 0, security4624: 0, ps4104: 0 };
    for (const event of [...events(FODHELPER), ...events(PSEXEC)]) {
      const { channel, eventId } = eventFacts(event);
      const sigma = sigmaEventFor(event);
      const data = (name: string) => event.fields[`winlog.event_data.${name}`];
      if (channel === 'microsoft-windows-sysmon/operational' && eventId === 1) {
        seen.sysmon1++;
        expect(logsourceAccepts(processCreation, event)).toBe(true);
        expect(sigma.get('Image')).toMatch(/\\[^\\]+\.exe$/i);
        expect(sigma.get('CommandLine')).toEqual(expect.any(String));
        expect(sigma.get('ParentImage')).toEqual(data('ParentImage'));
        expect(sigma.get('EventID')).toBe(1);
      } else if (channel === 'security' && eventId === 4688) {
        seen.security4688++;
        expect(logsourceAccepts(processCreation, event)).toBe(true);
        expect(logsourceAccepts(security, event)).toBe(true);
        expect(sigma.get('Image')).toBe(data('NewProcessName'));
        expect(sigma.get('ParentImage')).toBe(data('ParentProcessName'));
        expect(sigma.get('CommandLine')).toBe(data('CommandLine'));
        expect(sigma.get('IntegrityLevel')).toEqual([data('MandatoryLabel'), expect.stringMatching(/^(Low|Medium|MediumPlus|High|System)$/)]);
        expect(sigma.get('ProcessId')).toEqual([data('NewProcessId'), String(Number(data('NewProcessId')))]);
      } else if (channel === 'security' && eventId === 4624) {
        seen.security4624++;
        expect(logsourceAccepts(processCreation, event)).toBe(false);
        expect(String(sigma.get('LogonType'))).toMatch(/^\d+$/);
        expect(sigma.get('TargetUserName')).toEqual(expect.any(String));
      } else if (eventId === 4104) {
        seen.ps4104++;
        expect(logsourceAccepts(psScript, event)).toBe(true);
        expect(sigma.get('ScriptBlockText')).toEqual(expect.any(String));
      }
    }
    expect(seen.sysmon1).toBeGreaterThan(10);
    expect(seen.security4688).toBeGreaterThan(10);
    expect(seen.security4624).toBeGreaterThan(3);
    expect(seen.ps4104).toBeGreaterThan(1);
  });

  it.skipIf(!existsSync(SIGMA_WINDOWS))('SigmaHQ Windows rules detect the recorded techniques through the mapping, from Sysmon and from Security 4688', () => {
    const compiler = new SigmaCompiler();
    const index = new LogsourceIndex<{ file: string; rule: CompiledSigmaRule }>();
    for (const file of readdirSync(SIGMA_WINDOWS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.yml'))) {
      for (const document of parseSigmaDocuments(readFileSync(join(SIGMA_WINDOWS, file), 'utf8'))) {
        if (document.kind !== 'rule') continue;
        const rule = compiler.compile(document.rule);
        const mapping = mapLogsource(document.rule.logsource);
        if (rule.status.state === 'active' && mapping.supported) index.add(mapping.targets, { file: file.slice(file.lastIndexOf('/') + 1), rule });
      }
    }
    const scope = compiler.newScope();
    const detections = (archive: string): Set<string> => {
      const found = new Set<string>();
      for (const event of events(archive)) {
        const candidates = index.candidates(event);
        if (candidates.length === 0) continue;
        scope.reset(sigmaEventFor(event));
        const { channel, eventId } = eventFacts(event);
        for (const { file, rule } of candidates) if (rule.matches(scope)) found.add(`${file} ${channel} ${eventId}`);
      }
      return found;
    };

    const fodhelper = detections(FODHELPER);
    console.log(`OTRF empire_uac_shellapi_fodhelper: ${[...fodhelper].sort().join('\n  ')}`);
    expect(fodhelper).toContain('proc_creation_win_uac_bypass_fodhelper.yml microsoft-windows-sysmon/operational 1');
    expect(fodhelper).toContain('proc_creation_win_uac_bypass_fodhelper.yml security 4688');
    expect(fodhelper).toContain('registry_set_bypass_uac_using_delegateexecute.yml microsoft-windows-sysmon/operational 13');
    expect(fodhelper).toContain('posh_ps_susp_invocation_specific.yml microsoft-windows-powershell/operational 4104');

    const psexec = detections(PSEXEC);
    console.log(`OTRF empire_psexec_dcerpc_tcp_svcctl: ${[...psexec].sort().join('\n  ')}`);
    expect(psexec).toContain('win_system_service_install_susp.yml system 7045');
    expect(psexec).toContain('win_security_powershell_script_installed_as_service.yml security 4697');
    // User and IntegrityLevel read from 4688's Subject and MandatoryLabel fields.
    expect(psexec).toContain('proc_creation_win_susp_system_user_anomaly.yml security 4688');
  }, 120_000);
});
