import { describe, expect, it } from 'vitest';
import { DEFAULT_ASPECT, layoutGrid, sanitizeAspect, type TileRect } from './grid-layout';

const OPTIONS = { gap: 8, labelHeight: 28 };

function overlaps(a: TileRect, b: TileRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function expectValid(tiles: TileRect[], area: { width: number; height: number }): void {
  for (const [i, a] of tiles.entries()) {
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width).toBeLessThanOrEqual(area.width);
    expect(a.y + a.height).toBeLessThanOrEqual(area.height);
    for (const b of tiles.slice(i + 1)) expect(overlaps(a, b), `tiles ${i} and ${tiles.indexOf(b)} overlap`).toBe(false);
  }
}

describe('layoutGrid', () => {
  it('places 4 wide tiles in a 2x2 grid of a wide window', () => {
    const area = { width: 1600, height: 900 };
    const layout = layoutGrid(4, DEFAULT_ASPECT, area, OPTIONS);
    expect([layout.columns, layout.rows]).toEqual([2, 2]);
    expect(layout.tiles).toHaveLength(4);
    expectValid(layout.tiles, area);
  });

  it('keeps the aspect ratio of every frame', () => {
    const layout = layoutGrid(8, 4 / 3, { width: 1280, height: 720 }, OPTIONS);
    for (const tile of layout.tiles) expect(Math.abs(tile.width / tile.frameHeight - 4 / 3)).toBeLessThan(0.02);
  });

  it('chooses the column count that gives the largest tiles (8 in a wide window: 4x2, in a tall one: 2x4)', () => {
    expect(layoutGrid(8, DEFAULT_ASPECT, { width: 1800, height: 700 }, OPTIONS).columns).toBe(4);
    expect(layoutGrid(8, DEFAULT_ASPECT, { width: 700, height: 1400 }, OPTIONS).columns).toBe(2);
    // Exhaustive check against every other column count.
    for (const count of [2, 3, 5, 7, 12, 16]) {
      const area = { width: 1100, height: 760 };
      const chosen = layoutGrid(count, DEFAULT_ASPECT, area, OPTIONS).tiles[0]?.width ?? 0;
      for (let columns = 1; columns <= count; columns += 1) {
        const rows = Math.ceil(count / columns);
        const cell = Math.min((area.width - OPTIONS.gap * (columns - 1)) / columns, ((area.height - OPTIONS.gap * (rows - 1)) / rows - OPTIONS.labelHeight) * DEFAULT_ASPECT);
        expect(chosen).toBeGreaterThanOrEqual(Math.floor(cell));
      }
    }
  });

  it('never overlaps and stays inside the area, for every count from 1 to 16 and odd window shapes', () => {
    for (const area of [
      { width: 320, height: 240 },
      { width: 1920, height: 300 },
      { width: 300, height: 1920 },
      { width: 1013, height: 677 },
    ]) {
      for (let count = 1; count <= 16; count += 1) {
        const layout = layoutGrid(count, sanitizeAspect(400, 300), area, OPTIONS);
        expect(layout.tiles).toHaveLength(count);
        expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(count);
        expectValid(layout.tiles, area);
      }
    }
  });

  it('follows a resize: a narrower window gives fewer columns and smaller tiles', () => {
    const wide = layoutGrid(6, DEFAULT_ASPECT, { width: 1800, height: 700 }, OPTIONS);
    const narrow = layoutGrid(6, DEFAULT_ASPECT, { width: 600, height: 700 }, OPTIONS);
    expect(narrow.columns).toBeLessThan(wide.columns);
    expect(narrow.tiles[0]?.width ?? 0).toBeLessThan(wide.tiles[0]?.width ?? 0);
  });

  it('degrades to empty tiles, never negative sizes, in a window too small for them', () => {
    const layout = layoutGrid(16, DEFAULT_ASPECT, { width: 10, height: 10 }, OPTIONS);
    for (const tile of layout.tiles) {
      expect(tile.width).toBeGreaterThanOrEqual(0);
      expect(tile.frameHeight).toBeGreaterThanOrEqual(0);
    }
    expect(layoutGrid(0, DEFAULT_ASPECT, { width: 800, height: 600 }, OPTIONS).tiles).toEqual([]);
  });
});

describe('sanitizeAspect', () => {
  it('takes a reported canvas size, and falls back to 16:9 on nonsense', () => {
    expect(sanitizeAspect(400, 300)).toBeCloseTo(4 / 3);
    expect(sanitizeAspect(0, 300)).toBe(DEFAULT_ASPECT);
    expect(sanitizeAspect(Number.NaN, 1)).toBe(DEFAULT_ASPECT);
    expect(sanitizeAspect(10_000, 1)).toBe(8);
  });
});
