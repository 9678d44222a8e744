/**
 * Where the bench puts its N tiles: pure, so it is unit-tested and the page
 * only measures the grid area and applies the rectangles.
 *
 * Every column count from 1 to N is tried; for each, a tile is the largest
 * frame of aspect ratio `aspect` (width / height) that fits its cell, plus the
 * label strip above it. The count giving the widest frame wins (ties: fewer
 * columns, so a row of one is never split needlessly). The whole grid is
 * centred in the area. Cells never overlap by construction: cell k sits at
 * column k % columns, row floor(k / columns), each `gap` apart.
 */

export interface Size {
  width: number;
  height: number;
}

export interface TileRect {
  /** Of the whole tile (label strip + frame), in px from the grid area's top-left corner. */
  x: number;
  y: number;
  width: number;
  /** Label strip + frame. */
  height: number;
  /** The frame's own height (width is the tile's). */
  frameHeight: number;
}

export interface GridLayout {
  columns: number;
  rows: number;
  tiles: TileRect[];
}

export interface GridOptions {
  /** Space between tiles, px. */
  gap: number;
  /** Height of the label strip above each frame, px. */
  labelHeight: number;
}

/** Until an instance reports its canvas size. */
export const DEFAULT_ASPECT = 16 / 9;

/** A usable aspect ratio (a game reporting 0 or NaN gets the default). Bounded so a 1-pixel-high canvas cannot make a ribbon. */
export function sanitizeAspect(width: number, height: number): number {
  if (!Number.isFinite(width) || !Number.isFinite(height) || width <= 0 || height <= 0) return DEFAULT_ASPECT;
  return Math.min(8, Math.max(1 / 8, width / height));
}

export function layoutGrid(count: number, aspect: number, area: Size, options: GridOptions): GridLayout {
  const n = Math.max(0, Math.floor(count));
  const ratio = Number.isFinite(aspect) && aspect > 0 ? aspect : DEFAULT_ASPECT;
  const width = Math.max(0, area.width);
  const height = Math.max(0, area.height);
  if (n === 0) return { columns: 0, rows: 0, tiles: [] };

  let best = { columns: 1, rows: n, frameWidth: -1 };
  for (let columns = 1; columns <= n; columns += 1) {
    const rows = Math.ceil(n / columns);
    // Same row count with more columns only adds empty cells.
    if (columns > 1 && Math.ceil(n / (columns - 1)) === rows) continue;
    const cellWidth = (width - options.gap * (columns - 1)) / columns;
    const cellHeight = (height - options.gap * (rows - 1)) / rows;
    const frameWidth = Math.max(0, Math.min(cellWidth, (cellHeight - options.labelHeight) * ratio));
    if (frameWidth > best.frameWidth) best = { columns, rows, frameWidth };
  }

  const tileWidth = Math.floor(best.frameWidth);
  const frameHeight = Math.floor(tileWidth / ratio);
  const tileHeight = frameHeight + options.labelHeight;
  const gridWidth = best.columns * tileWidth + options.gap * (best.columns - 1);
  const gridHeight = best.rows * tileHeight + options.gap * (best.rows - 1);
  const left = Math.max(0, Math.floor((width - gridWidth) / 2));
  const top = Math.max(0, Math.floor((height - gridHeight) / 2));
  const tiles: TileRect[] = [];
  for (let k = 0; k < n; k += 1) {
    const column = k % best.columns;
    const row = Math.floor(k / best.columns);
    tiles.push({
      x: left + column * (tileWidth + options.gap),
      y: top + row * (tileHeight + options.gap),
      width: tileWidth,
      height: tileHeight,
      frameHeight,
    });
  }
  return { columns: best.columns, rows: best.rows, tiles };
}
