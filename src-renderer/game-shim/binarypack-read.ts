/**
 * A small, bounded BinaryPack reader (the format of PeerJS's `binary` and
 * `binary-utf8` serializations, peerjs-js-binarypack), for the game agent to
 * read `{eventName, data}` out of a frame. The engine decodes BinaryPack with
 * PeerJS's own `util.unpack`, which is not exported and would pull PeerJS into
 * the injected script; this reader is ~100 lines and never throws.
 *
 * Bounded: strings longer than `maxStringBytes` are cut (the agent only keeps
 * a preview), binary blobs are not copied (only their size is kept), nesting
 * stops at MAX_DEPTH, at most MAX_ITEMS values and MAX_DECODED_BYTES of text
 * are read per frame, so a
 * hostile 1 MiB frame costs a bounded amount of work.
 */

const MAX_DEPTH = 8;
const MAX_ITEMS = 2_000;
/** UTF-8 bytes decoded per frame, over all its strings: past it, strings read as ''. */
const MAX_DECODED_BYTES = 16 * 1024;

/** A binary value inside a frame: only its size. */
export interface BinaryValue {
  binaryBytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

class Overrun extends Error {}

class Reader {
  private index = 0;
  private items = 0;
  private decoded = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxStringBytes: number,
  ) {}

  private need(n: number): void {
    if (this.index + n > this.bytes.length) throw new Overrun();
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.index++] as number;
  }

  private uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i += 1) v = v * 256 + (this.bytes[this.index + i] as number);
    this.index += n;
    return v;
  }

  private int(n: number): number {
    const v = this.uint(n);
    const half = 2 ** (8 * n - 1);
    return v < half ? v : v - 2 * half;
  }

  private float(n: 4 | 8): number {
    this.need(n);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.index, n);
    this.index += n;
    return n === 4 ? view.getFloat32(0) : view.getFloat64(0);
  }

  private string(size: number): string {
    this.need(size);
    const take = Math.min(size, this.maxStringBytes, MAX_DECODED_BYTES - this.decoded);
    this.decoded += take;
    const text = take > 0 ? utf8.decode(this.bytes.subarray(this.index, this.index + take)) : '';
    this.index += size;
    return text;
  }

  private raw(size: number): BinaryValue {
    this.need(size);
    this.index += size;
    return { binaryBytes: size };
  }

  private array(size: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < size; i += 1) out.push(this.value(depth + 1));
    return out;
  }

  private map(size: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < size; i += 1) {
      const key = this.value(depth + 1);
      out[String(key)] = this.value(depth + 1);
    }
    return out;
  }

  /** The value of a size-prefixed type; `kind` is its even type byte (0xd8 string, 0xda raw, 0xdc array, 0xde map). */
  private sized(kind: number, size: number, depth: number): unknown {
    if (kind === 0xd8) return this.string(size);
    if (kind === 0xda) return this.raw(size);
    return kind === 0xdc ? this.array(size, depth) : this.map(size, depth);
  }

  value(depth = 0): unknown {
    if (depth > MAX_DEPTH || ++this.items > MAX_ITEMS) throw new Overrun();
    const type = this.u8();
    if (type < 0x80) return type;
    if ((type ^ 0xe0) < 0x20) return (type ^ 0xe0) - 0x20;
    if ((type ^ 0xa0) <= 0x0f) return this.raw(type ^ 0xa0);
    if ((type ^ 0xb0) <= 0x0f) return this.string(type ^ 0xb0);
    if ((type ^ 0x90) <= 0x0f) return this.array(type ^ 0x90, depth);
    if ((type ^ 0x80) <= 0x0f) return this.map(type ^ 0x80, depth);
    if (type === 0xc0) return null;
    if (type === 0xc2 || type === 0xc3) return type === 0xc3;
    if (type === 0xca || type === 0xcb) return this.float(type === 0xca ? 4 : 8);
    // 0xcc-0xcf: unsigned, 0xd0-0xd3: signed integers; the low two bits give the width (1, 2, 4 or 8 bytes).
    if (type >= 0xcc && type <= 0xcf) return this.uint(2 ** (type & 3));
    if (type >= 0xd0 && type <= 0xd3) return this.int(2 ** (type & 3));
    // 0xd8-0xdf: a string, raw, array or map (in pairs of types), its size in 2 bytes (even type) or 4 (odd).
    if (type >= 0xd8 && type <= 0xdf) return this.sized(type & 0xfe, this.uint(type & 1 ? 4 : 2), depth);
    return undefined;
  }
}

/** The value packed in `bytes`, or undefined when the frame is not BinaryPack (or exceeds the reader's bounds). */
export function readBinaryPack(bytes: Uint8Array, maxStringBytes: number): unknown {
  try {
    return new Reader(bytes, maxStringBytes).value();
  } catch {
    return undefined;
  }
}
