/**
 * UTF-8 length of a string without allocating (for byte counters and size
 * limits), as `TextEncoder` would encode it: a lone surrogate counts as the
 * 3 bytes of U+FFFD. No imports: the game shim counts its frames with it too
 * (its one import from the engine, see eslint.config.js).
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
