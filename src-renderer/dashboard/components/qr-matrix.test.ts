import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { QR_MAX_BYTES, QR_QUIET_ZONE, qrMatrix, type QrMatrix } from './qr-matrix';

const PIXELS_PER_MODULE = 4;

/** Paints the path's rectangles (the only commands qrMatrix writes) black on white, as RGBA. */
function rasterize(matrix: QrMatrix): { data: Uint8ClampedArray; width: number } {
  const width = matrix.size * PIXELS_PER_MODULE;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y, run] of matrix.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let px = Number(x) * PIXELS_PER_MODULE; px < (Number(x) + Number(run)) * PIXELS_PER_MODULE; px += 1) {
      for (let py = Number(y) * PIXELS_PER_MODULE; py < (Number(y) + 1) * PIXELS_PER_MODULE; py += 1) {
        const at = (py * width + px) * 4;
        data[at] = data[at + 1] = data[at + 2] = 0;
      }
    }
  }
  return { data, width };
}

function decode(text: string): string | null {
  const matrix = qrMatrix(text);
  if (matrix === null) return null;
  const { data, width } = rasterize(matrix);
  return jsQR(data, width, width)?.data ?? null;
}

describe('qrMatrix', () => {
  it('makes a code a reader decodes back to the address', () => {
    for (const url of ['http://192.168.1.20:9000/', 'http://10.77.0.3:40123/', 'http://[fe80::1]:9001/']) {
      expect(decode(url)).toBe(url);
    }
  });

  it('encodes text beyond Latin-1 as UTF-8, which readers expect', () => {
    expect(decode('Salle de jeu • 東京')).toBe('Salle de jeu • 東京');
  });

  it('keeps the quiet zone clear and draws nothing outside the code', () => {
    const matrix = qrMatrix('http://192.168.1.20:9000/');
    expect(matrix).not.toBeNull();
    const { size, path } = matrix as QrMatrix;
    // Version 2 (25 modules) for a short address, plus 4 light modules each side.
    expect(size).toBe(25 + 2 * QR_QUIET_ZONE);
    for (const [, x, y, run] of path.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(QR_QUIET_ZONE);
      expect(Number(y)).toBeGreaterThanOrEqual(QR_QUIET_ZONE);
      expect(Number(x) + Number(run)).toBeLessThanOrEqual(size - QR_QUIET_ZONE);
      expect(Number(y) + 1).toBeLessThanOrEqual(size - QR_QUIET_ZONE);
    }
  });

  it('refuses empty text and text over the byte bound instead of throwing', () => {
    expect(qrMatrix('')).toBeNull();
    expect(qrMatrix('a'.repeat(QR_MAX_BYTES + 1))).toBeNull();
    // The bound is in bytes: 171 three-byte characters are 513 bytes.
    expect(qrMatrix('東'.repeat(171))).toBeNull();
    expect(decode('a'.repeat(QR_MAX_BYTES))).toBe('a'.repeat(QR_MAX_BYTES));
  });
});
