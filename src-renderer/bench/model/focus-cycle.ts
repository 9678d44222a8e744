/**
 * F8 / Shift+F8 on the bench: the next (previous) live instance after the
 * focused one, wrapping around; killed tiles are skipped. Pure.
 */

/** `live`: indexes (1-based) whose frame exists, in any order. `current`: the focused index, or null. */
export function cycleFocus(current: number | null, live: readonly number[], direction: 1 | -1): number | null {
  const sorted = [...new Set(live)].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  if (current === null) return direction === 1 ? (sorted[0] as number) : (sorted[sorted.length - 1] as number);
  if (direction === 1) return sorted.find((index) => index > current) ?? (sorted[0] as number);
  return [...sorted].reverse().find((index) => index < current) ?? (sorted[sorted.length - 1] as number);
}

/** Messages an instance frame may post to the bench (BenchFrameMessage), checked: frames are untrusted game code. */
export type FrameRequest = { kind: 'focus'; direction: 1 | -1 } | { kind: 'size'; width: number; height: number };

export function parseFrameMessage(data: unknown): FrameRequest | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message['lanParty'] === 'focus-next') return { kind: 'focus', direction: 1 };
  if (message['lanParty'] === 'focus-previous') return { kind: 'focus', direction: -1 };
  if (message['lanParty'] === 'size') {
    const width = message['width'];
    const height = message['height'];
    if (typeof width !== 'number' || typeof height !== 'number') return null;
    if (!(width > 0 && height > 0 && width <= 100_000 && height <= 100_000)) return null;
    return { kind: 'size', width, height };
  }
  return null;
}
