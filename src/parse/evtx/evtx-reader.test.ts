import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkHeader } from '@ts-evtx/core/dist/src/evtx/ChunkHeader.js';
import { FileHeader } from '@ts-evtx/core/dist/src/evtx/FileHeader.js';
import { BinaryReader } from '@ts-evtx/core/dist/src/binary/BinaryReader.js';
import { writeEvtx, type WRecord, type WValue } from '../../../test/helpers/evtx-writer.ts';
import { windowsEvent, str, sid, u32, hex32, guid, type EventSpec } from '../../../test/helpers/evtx-events.ts';
import { EvtxError, readEvtx, readEvtxBytes, type EvtxChunkResult, type EvtxFileHeader } from './evtx-reader.ts';

const T0 = new Date(Date.UTC(2024, 2, 1, 12, 0, 0, 123));

function spec(recordId: number, data: EventSpec['data'], extra: Partial<EventSpec> = {}): EventSpec {
  return { provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', eventId: 4688,
    time: T0, recordId, channel: 'Security', computer: 'ws1.corp.local', data, ...extra };
}

const record = (recordId: number, data: EventSpec['data'], extra: Partial<EventSpec> = {}): WRecord =>
  ({ recordId, event: windowsEvent(spec(recordId, data, extra)) });

function readAll(bytes: Uint8Array): { results: (EvtxChunkResult & { header: EvtxFileHeader })[]; events: Record<string, unknown>[]; warnings: string[] } {
  const results = [...readEvtxBytes(bytes)];
  return { results, events: results.flatMap((r) => r.records.map((x) => x.event)), warnings: results.flatMap((r) => r.warnings) };
}

/** Streams bytes in pieces of `size`, as a file reader would. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('EVTX writer, checked by @ts-evtx/core', () => {
  it('writes headers, CRC32s, string and template tables the library accepts', () => {
    const bytes = writeEvtx(Array.from({ length: 300 }, (_, i) => record(i + 1, [['CommandLine', str(`cmd ${i} ${'x'.repeat(i)}`)]])));
    const reader = new BinaryReader(bytes);
    const file = new FileHeader(reader, 0);
    expect(file.checkMagic() && file.verify()).toBe(true);
    expect(file.chunkCount()).toBeGreaterThan(1);
    let records = 0;
    for (let i = 0; i < file.chunkCount(); i++) {
      const chunk = new ChunkHeader(reader, 0x1000 + i * 0x10000);
      expect(chunk.verify()).toBe(true);
      for (const r of chunk.records()) {
        records++;
        expect(r.verify()).toBe(true);
        expect(Number(r.recordNum())).toBe(records);
        // Element and attribute names resolve through the chunk's string table and template table.
        const xml = r.renderXml();
        expect(xml).toContain('<EventData>');
        expect(xml).toContain('<Data Name="CommandLine">');
        expect(xml).toContain('<Execution ProcessID=');
      }
    }
    expect(records).toBe(300);
  });

  it('writes substitution values the library decodes the same way', () => {
    // The library finds the substitution array by a heuristic that holds when the value count's low
    // byte reads as a one-byte token (0x12 = 18 values here); other counts it misreads.
    const bytes = writeEvtx([{ recordId: 7, event: windowsEvent({ ...spec(7, undefined), userId: 'S-1-5-21-1-2-3-500' }) }]);
    const chunk = new ChunkHeader(new BinaryReader(bytes), 0x1000);
    const [r] = [...chunk.records()];
    const subs = r!.root().substitutions as unknown[];
    expect(subs).toHaveLength(18);
    type Attrs = { '#attributes': Record<string, unknown> };
    const ours = readAll(bytes).events[0] as { Event: { System: { EventID: unknown; Keywords: unknown; Provider: Attrs; TimeCreated: Attrs; Security: Attrs } } };
    const sys = ours.Event.System;
    expect(subs[0]).toBe('Microsoft-Windows-Security-Auditing');
    expect(subs[3]).toBe(4688);
    expect(sys.EventID).toBe(4688);
    expect(String(subs[1]).toLowerCase()).toBe(sys.Provider['#attributes'].Guid);
    expect(`0x${(subs[8] as bigint).toString(16)}`).toBe(sys.Keywords);
    expect((subs[9] as Date).toISOString()).toBe('2024-03-01T12:00:00.123Z');
    expect(sys.TimeCreated['#attributes'].SystemTime).toBe('2024-03-01T12:00:00.1230000Z');
    expect(subs[17]).toBe('S-1-5-21-1-2-3-500');
    expect(sys.Security['#attributes'].UserID).toBe('S-1-5-21-1-2-3-500');
  });
});

describe('EVTX reader', () => {
  it('renders the evtx_dump shape: System, named and unnamed Data, optional attributes left out', () => {
    const { events, warnings } = readAll(writeEvtx([record(1, [
      ['SubjectUserSid', sid('S-1-5-18')], ['NewProcessId', hex32(0x1f4)], ['CommandLine', str('whoami /all')], ['Empty', str('')],
      [undefined, u32(7)], [undefined, str('second')],
    ])]));
    expect(warnings).toEqual([]);
    expect(events[0]).toEqual({ Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
        EventID: 4688, Version: 0, Level: 4, Task: 0, Opcode: 0, Keywords: '0x8000000000000000',
        TimeCreated: { '#attributes': { SystemTime: '2024-03-01T12:00:00.1230000Z' } }, EventRecordID: 1, Correlation: null,
        Execution: { '#attributes': { ProcessID: 4, ThreadID: 8 } }, Channel: 'Security', Computer: 'ws1.corp.local', Security: null,
      },
      EventData: { SubjectUserSid: 'S-1-5-18', NewProcessId: '0x1f4', CommandLine: 'whoami /all', Empty: '', Data: { '#text': [7, 'second'] } },
    } });
  });

  it('renders every value type as Windows does', () => {
    const values: [string, WValue, unknown][] = [
      ['i8', { t: 'i8', v: -5 }, -5], ['u8', { t: 'u8', v: 250 }, 250], ['i16', { t: 'i16', v: -300 }, -300], ['u16', { t: 'u16', v: 65000 }, 65000],
      ['i32', { t: 'i32', v: -70000 }, -70000], ['u32', { t: 'u32', v: 4_000_000_000 }, 4_000_000_000],
      ['i64', { t: 'i64', v: -5n }, -5], ['u64big', { t: 'u64', v: 18446744073709551615n }, '18446744073709551615'],
      ['f32', { t: 'f32', v: 1.5 }, 1.5], ['f64', { t: 'f64', v: -2.25 }, -2.25], ['bool', { t: 'bool', v: true }, true],
      ['bin', { t: 'bin', v: Uint8Array.of(0xde, 0xad, 0x01) }, 'DEAD01'], ['guid', guid('{39E4A257-79FB-5F92-7117-000000000700}'), '{39e4a257-79fb-5f92-7117-000000000700}'],
      ['size', { t: 'size', v: 0x1234n }, '0x1234'], ['hex32', hex32(0xabc), '0xabc'], ['hex64', { t: 'hex64', v: 0x3e7n }, '0x3e7'],
      ['filetime', { t: 'filetime', v: BigInt(Date.UTC(2020, 9, 23, 6, 36, 39, 555)) * 10_000n + 116444736000000000n + 1234n }, '2020-10-23T06:36:39.5551234Z'],
      ['systemtime', { t: 'systemtime', v: new Date(Date.UTC(2021, 4, 6, 7, 8, 9, 10)) }, '2021-05-06T07:08:09.010Z'],
      ['sid', sid('S-1-5-21-3623811015-3361044348-30300820-1013'), 'S-1-5-21-3623811015-3361044348-30300820-1013'],
      ['ansi', { t: 'ansi', v: 'caf\xe9' }, 'caf\xe9'], ['strs', { t: 'strs', v: ['a', '', 'c'] }, ['a', '', 'c']],
      ['u32s', { t: 'u32s', v: [1, 2, 3] }, [1, 2, 3]], ['unicode', str('\u043f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude00'), '\u043f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude00'],
    ];
    const { events, warnings } = readAll(writeEvtx([record(1, values.map(([n, v]) => [n, v]))]));
    expect(warnings).toEqual([]);
    const data = (events[0] as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
    for (const [name, , expected] of values) expect({ name, value: data[name] }).toEqual({ name, value: expected });
  });

  it('reads UserData, also when it arrives as embedded BinXML', () => {
    for (const embedUserData of [false, true]) {
      const { events, warnings } = readAll(writeEvtx([{ event: windowsEvent({ ...spec(1, undefined), eventId: 1102, channel: 'Security', embedUserData,
        userData: { name: 'LogFileCleared', xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog', fields: [['SubjectUserSid', sid('S-1-5-21-1-2-3-500')], ['SubjectUserName', str('admin')]] } }) }]));
      expect(warnings).toEqual([]);
      expect((events[0] as { Event: Record<string, unknown> }).Event.UserData).toEqual({ LogFileCleared: {
        '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, SubjectUserSid: 'S-1-5-21-1-2-3-500', SubjectUserName: 'admin' } });
    }
  });

  it('reads many chunks, from a stream cut anywhere, with templates reused inside a chunk', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => record(i + 1, [['N', u32(i)], ['Text', str(`event ${i}`)]], i % 3 === 0 ? { eventId: 4624 } : {}));
    const bytes = writeEvtx(records);
    expect(bytes.length).toBeGreaterThan(0x1000 + 3 * 0x10000);
    for (const size of [4095, 65536, 100_000]) {
      const ids: number[] = [];
      for await (const r of readEvtx(pieces(bytes, size))) {
        expect(r.warnings).toEqual([]);
        for (const x of r.records) ids.push(x.recordId);
      }
      expect(ids).toEqual(records.map((r) => r.recordId));
    }
    // Byte by byte, on a smaller file.
    const small = writeEvtx(records.slice(0, 20));
    let n = 0;
    for await (const r of readEvtx(pieces(small, 1))) n += r.records.length;
    expect(n).toBe(20);
  });

  it('skips a chunk whose CRC32 does not match, with a warning, and reads the others', () => {
    const bytes = writeEvtx(Array.from({ length: 30 }, (_, i) => record(i + 1, [['N', u32(i)]])), { recordsPerChunk: 10 });
    bytes[0x1000 + 0x10000 + 0x300]! ^= 0xff; // a record byte in the second chunk
    const { results, warnings } = readAll(bytes);
    expect(warnings).toEqual(['chunk 1 skipped: record data CRC32 mismatch (dirty or corrupt chunk)']);
    expect(results.flatMap((r) => r.records.map((x) => x.recordId))).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 21)]);
  });

  it('reads a truncated file up to its last whole chunk and says what was lost', async () => {
    const bytes = writeEvtx(Array.from({ length: 20 }, (_, i) => record(i + 1, [['N', u32(i)]])), { recordsPerChunk: 10 });
    const cut = bytes.subarray(0, 0x1000 + 0x10000 + 5000);
    const ids: number[] = [];
    const warnings: string[] = [];
    for await (const r of readEvtx(pieces(cut, 65536))) {
      ids.push(...r.records.map((x) => x.recordId));
      warnings.push(...r.warnings);
    }
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(warnings).toEqual([`chunk 1 skipped: the file ends ${0x10000 - 5000} bytes before the chunk does (truncated file)`]);
  });

  it('refuses input that is not EVTX, or ends inside the file header, with EvtxError', async () => {
    const read = async (bytes: Uint8Array) => { for await (const _ of readEvtx(pieces(bytes, 100))) { /* drain */ } };
    await expect(read(new TextEncoder().encode('{"EventID": 4624}\n'))).rejects.toThrow(new EvtxError('not an EVTX file (no "ElfFile" signature)'));
    await expect(read(new Uint8Array(0))).rejects.toThrow(EvtxError);
    await expect(read(writeEvtx([record(1, [])]).subarray(0, 2000))).rejects.toThrow('EVTX file is truncated: 2000 bytes, the header alone has 4096');
  });

  it('reads a dirty file whose header counts fewer chunks than it holds, and passes over unused chunks', () => {
    const bytes = writeEvtx(Array.from({ length: 20 }, (_, i) => record(i + 1, [])), { recordsPerChunk: 10, dirty: true });
    new DataView(bytes.buffer).setUint16(0x2a, 1, true); // header says one chunk (CRC now stale too)
    const padded = new Uint8Array(bytes.length + 0x10000);
    padded.set(bytes);
    const { results, warnings } = readAll(padded);
    expect(results[0]?.header.dirty).toBe(true);
    expect(warnings).toEqual(['file header CRC32 mismatch; chunks are read regardless']);
    expect(results.flatMap((r) => r.records)).toHaveLength(20);
  });

  it('never throws anything but EvtxError and never hangs on damaged bytes (fuzz)', () => {
    const bytes = writeEvtx([
      ...Array.from({ length: 40 }, (_, i) => record(i + 1, [['SubjectUserSid', sid('S-1-5-18')], ['CommandLine', str(`c ${i}`)], [undefined, u32(i)]])),
      { event: windowsEvent({ ...spec(41, undefined), userData: { name: 'X', xmlns: 'y', fields: [['A', str('b')]] }, embedUserData: true }) },
    ], { recordsPerChunk: 25 });
    // Flips land in the record area (and headers) of a file whose CRCs are then made right again,
    // so the BinXML reader itself sees the damage instead of the checksum check.
    const fixCrcs = (b: Uint8Array): void => {
      for (let at = 0x1000; at + 0x10000 <= b.length; at += 0x10000) {
        const chunk = new ChunkHeader(new BinaryReader(b), at);
        const view = new DataView(b.buffer, b.byteOffset);
        const free = chunk.nextRecordOffset();
        if (free >= 0x200 && free <= 0x10000) view.setUint32(at + 0x34, chunk.calculateDataChecksum(), true);
        view.setUint32(at + 0x7c, chunk.calculateHeaderChecksum(), true);
      }
    };
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (flips, fix) => {
        const copy = bytes.slice();
        for (const [at, mask] of flips) copy[at] = (copy[at] as number) ^ mask;
        if (fix) fixCrcs(copy);
        const started = performance.now();
        try {
          for (const r of readEvtxBytes(copy)) JSON.stringify(r.records);
        } catch (err) {
          expect(err).toBeInstanceOf(EvtxError);
        }
        expect(performance.now() - started).toBeLessThan(2000);
      },
    ), { numRuns: 300 });
  });
});
