/**
 * A minimal zip writer (members stored, not compressed) so `vigil rules import` can send a folder of
 * rules as one archive with its file names; the server's reader (src/intake/file/zip-reader.ts)
 * takes it like any zip. Sizes stay far below zip64 limits (the API takes 32 MiB).
 */
import { crc32 } from 'node:zlib';

export interface ZipMember {
  name: string;
  data: Uint8Array;
}

/**
 * The bytes of a zip archive holding `members` with UTF-8 names.
 *
 * @example storedZip([{ name: 'rules/a.yml', data: Buffer.from('title: a\n') }])
 */
export function storedZip(members: readonly ZipMember[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name, 'utf8');
    const crc = crc32(member.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(member.data.length, 18);
    local.writeUInt32LE(member.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(member.data.length, 20);
    entry.writeUInt32LE(member.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(member.data));
    central.push(entry, name);
    offset += 30 + name.length + member.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
