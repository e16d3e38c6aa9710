/**
 * The Windows part of the Sigma taxonomy (sigma-appendix-taxonomy.md, version 2.1): which channel
 * and event IDs each `category` means, and which channels each `service` means. Channel names are
 * lower-cased: exports differ in case (`Security`, `security`).
 *
 * @see /work/shared/sigma-specification/specification/sigma-appendix-taxonomy.md
 */

export const SYSMON = 'microsoft-windows-sysmon/operational';
export const SECURITY = 'security';
const POWERSHELL = ['microsoft-windows-powershell/operational', 'powershellcore/operational'];
const POWERSHELL_CLASSIC = 'windows powershell';

/** Channels and event IDs; no event IDs means every event of those channels. */
export interface WindowsSelector {
  channels: readonly string[];
  eventIds?: readonly number[];
}

const sysmon = (...eventIds: number[]): WindowsSelector => ({ channels: [SYSMON], eventIds });

/** Categories carried by Windows event log channels. */
export const WINDOWS_CATEGORIES: ReadonlyMap<string, readonly WindowsSelector[]> = new Map([
  // Security 4688 carries the same facts under other names (see the field mapping).
  ['process_creation', [sysmon(1), { channels: [SECURITY], eventIds: [4688] }]],
  ['file_change', [sysmon(2)]],
  ['network_connection', [sysmon(3)]],
  ['sysmon_status', [sysmon(4, 16)]],
  ['process_termination', [sysmon(5)]],
  ['driver_load', [sysmon(6)]],
  ['image_load', [sysmon(7)]],
  ['create_remote_thread', [sysmon(8)]],
  ['raw_access_thread', [sysmon(9)]],
  ['process_access', [sysmon(10)]],
  ['file_event', [sysmon(11)]],
  ['registry_event', [sysmon(12, 13, 14)]],
  ['registry_add', [sysmon(12)]],
  ['registry_delete', [sysmon(12)]],
  ['registry_set', [sysmon(13)]],
  ['registry_rename', [sysmon(14)]],
  ['create_stream_hash', [sysmon(15)]],
  ['pipe_created', [sysmon(17, 18)]],
  ['wmi_event', [sysmon(19, 20, 21)]],
  ['dns_query', [sysmon(22)]],
  ['file_delete', [sysmon(23)]],
  ['clipboard_capture', [sysmon(24)]],
  ['process_tampering', [sysmon(25)]],
  ['file_delete_detected', [sysmon(26)]],
  ['file_block_executable', [sysmon(27)]],
  ['file_block_shredding', [sysmon(28)]],
  ['file_executable_detected', [sysmon(29)]],
  ['sysmon_error', [sysmon(255)]],
  ['ps_classic_start', [{ channels: [POWERSHELL_CLASSIC], eventIds: [400] }]],
  ['ps_classic_provider_start', [{ channels: [POWERSHELL_CLASSIC], eventIds: [600] }]],
  ['ps_classic_script', [{ channels: [POWERSHELL_CLASSIC], eventIds: [800] }]],
  ['ps_module', [{ channels: POWERSHELL, eventIds: [4103] }]],
  ['ps_script', [{ channels: POWERSHELL, eventIds: [4104] }]],
]);

/**
 * Categories the taxonomy defines by an ETW provider rather than a channel: served from the
 * provider's own event log channel (exported like any other channel), so dispatch stays by channel.
 */
const KERNEL_FILE = 'microsoft-windows-kernel-file/analytic';
export const WINDOWS_PROVIDER_CATEGORIES: ReadonlyMap<string, WindowsSelector> = new Map([
  ['file_access', { channels: [KERNEL_FILE] }],
  ['file_rename', { channels: [KERNEL_FILE] }],
]);

/** Services and their channels. */
export const WINDOWS_SERVICES: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    application: ['Application'],
    'application-experience': ['Microsoft-Windows-Application-Experience/Program-Telemetry', 'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant'],
    applocker: ['Microsoft-Windows-AppLocker/MSI and Script', 'Microsoft-Windows-AppLocker/EXE and DLL', 'Microsoft-Windows-AppLocker/Packaged app-Deployment', 'Microsoft-Windows-AppLocker/Packaged app-Execution'],
    'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
    'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
    'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
    bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
    'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
    capi2: ['Microsoft-Windows-CAPI2/Operational'],
    'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
    'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
    dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
    'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
    'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
    'dns-server': ['DNS Server'],
    'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
    'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
    'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
    'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
    'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker', 'Microsoft-Windows-Hyper-V-Worker-Admin'],
    'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
    'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing', 'Microsoft-Windows-Kernel-EventTracing/Admin'],
    'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
    ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
    // The taxonomy's name before version 2.0.
    ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
    'lsa-server': ['Microsoft-Windows-LSA/Operational'],
    'msexchange-management': ['MSExchange Management'],
    ntfs: ['Microsoft-Windows-Ntfs/Operational'],
    ntlm: ['Microsoft-Windows-NTLM/Operational'],
    openssh: ['OpenSSH/Operational'],
    powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
    'powershell-classic': ['Windows PowerShell'],
    'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
    'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
    security: ['Security'],
    'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
    sense: ['Microsoft-Windows-SENSE/Operational'],
    'servicebus-client': ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
    // Name used by SigmaHQ rules for the same channels.
    'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
    'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
    'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
    // Used by SigmaHQ rules, not (yet) listed in the taxonomy.
    'smbserver-connectivity': ['Microsoft-Windows-SmbServer/Connectivity'],
    sysmon: ['Microsoft-Windows-Sysmon/Operational'],
    system: ['System'],
    taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
    'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
    vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
    windefend: ['Microsoft-Windows-Windows Defender/Operational'],
    wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  }).map(([service, channels]) => [service, channels.map((c) => c.toLowerCase())]),
);

/** Windows Defender detection events, which serve `category: antivirus`. */
export const DEFENDER_DETECTIONS: WindowsSelector = {
  channels: ['microsoft-windows-windows defender/operational'],
  eventIds: [1006, 1015, 1116, 1117],
};
