/**
 * Writes .zip files for tests, hostile ones included: names with `..`,
 * symlink entries, headers that declare other sizes than the real ones, and
 * long runs of zeros. Test support only (the app never writes zips).
 *
 * Zeros are deflated one 1 MiB chunk at a time with a sync flush, and the same
 * compressed chunk repeated (a valid deflate stream: each chunk is
 * byte-aligned and refers only to itself), so a 1 GiB bomb is built in about
 * 0.2 s and 1 MB of memory instead of 2.3 s of deflating (measured here).
 * No zip64: every size stays under 4 GiB.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipEntrySpec {
  /** Name inside the archive; ending in "/" makes a folder entry. */
  name: string;
  content?: string | Buffer;
  /** This many zero bytes instead of `content`. */
  zeros?: number;
  /** A symbolic link whose target is `content`. */
  symlink?: boolean;
  /** What the headers claim the inflated size is, when a test wants them to lie. */
  declaredSize?: number;
}

const CHUNK = 1024 ** 2;

export function writeZip(file: string, entries: readonly ZipEntrySpec[]): void {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const { data, crc, size } = compress(entry);
    const declared = entry.declaredSize ?? size;
    const kind = entry.symlink ? 0o120777 : entry.name.endsWith('/') ? 0o40755 : 0o100644;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommon(local, 4, crc, data.length, declared, name.length);
    parts.push(local, name, data);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
    writeCommon(record, 6, crc, data.length, declared, name.length);
    record.writeUInt32LE((kind << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...parts, directory, end]));
}

/** version needed, flags (UTF-8 names), method (deflate), time, date, crc, sizes, name length; extra length stays 0. */
function writeCommon(buffer: Buffer, at: number, crc: number, compressed: number, inflated: number, nameLength: number): void {
  buffer.writeUInt16LE(20, at);
  buffer.writeUInt16LE(0x0800, at + 2);
  buffer.writeUInt16LE(8, at + 4);
  buffer.writeUInt16LE(0, at + 6);
  buffer.writeUInt16LE(((2026 - 1980) << 9) | (1 << 5) | 1, at + 8);
  buffer.writeUInt32LE(crc, at + 10);
  buffer.writeUInt32LE(compressed, at + 14);
  buffer.writeUInt32LE(inflated, at + 18);
  buffer.writeUInt16LE(nameLength, at + 22);
}

function compress(entry: ZipEntrySpec): { data: Buffer; crc: number; size: number } {
  if (entry.zeros === undefined) {
    const content = Buffer.from(entry.content ?? '');
    return { data: zlib.deflateRawSync(content), crc: zlib.crc32(content), size: content.length };
  }
  const whole = Math.floor(entry.zeros / CHUNK);
  const rest = entry.zeros % CHUNK;
  const chunk = Buffer.alloc(CHUNK);
  const deflatedChunk = zlib.deflateRawSync(chunk, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  let crc = 0;
  for (let i = 0; i < whole; i++) crc = zlib.crc32(chunk, crc);
  crc = zlib.crc32(chunk.subarray(0, rest), crc);
  const tail = zlib.deflateRawSync(chunk.subarray(0, rest), { level: 9 });
  return { data: Buffer.concat([...Array<Buffer>(whole).fill(deflatedChunk), tail]), crc, size: entry.zeros };
}
