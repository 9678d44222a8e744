/**
 * A QR code for a short text (an address, a party code), computed in the page
 * by `qrcode-generator` (no network, no canvas): the module grid as one SVG
 * path, so it stays sharp at any size and costs one DOM node.
 */
import qrcode from 'qrcode-generator';

/**
 * The longest text (UTF-8 bytes) we make a code of. An address is under 100
 * bytes (29 bytes: 29 modules a side; 100: 41). 512 bytes at level M is 89
 * modules, about 2.6 px each at the 232 px the dashboard draws: a phone still
 * reads it up close; denser is not worth offering, and the library throws past
 * 2,331 bytes.
 */
export const QR_MAX_BYTES = 512;

/** Light modules around the code; the standard asks for 4 (readers find the code by it). */
export const QR_QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules a side, quiet zone included. */
  size: number;
  /** The dark modules as one SVG path in module units (viewBox `0 0 size size`). */
  path: string;
}

/**
 * The code of `text` (error correction M: 15% of the modules may be lost to
 * glare or a smudge), or null when the text is empty or over QR_MAX_BYTES.
 */
export function qrMatrix(text: string): QrMatrix | null {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length === 0 || bytes.length > QR_MAX_BYTES) return null;
  const code = qrcode(0, 'M');
  // The library's byte mode keeps the low 8 bits of each UTF-16 unit: hand it the UTF-8 bytes, one per unit.
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  code.addData(binary, 'Byte');
  code.make();
  const count = code.getModuleCount();
  // One rectangle per horizontal run of dark modules: about 3x fewer path commands than one per module.
  const parts: string[] = [];
  for (let row = 0; row < count; row += 1) {
    let col = 0;
    while (col < count) {
      if (!code.isDark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < count && code.isDark(row, col)) col += 1;
      parts.push(`M${start + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${col - start}v1h-${col - start}z`);
    }
  }
  return { size: count + 2 * QR_QUIET_ZONE, path: parts.join('') };
}
