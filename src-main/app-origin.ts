/**
 * Where the app's own page lives, and how to compare origins. Node's URL gives
 * `origin === "null"` for non-special schemes such as `lan-party:`, so origins
 * are compared as `protocol//host` instead.
 */
export const APP_SCHEME = 'lan-party';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** `protocol//host` of a URL, or null when it does not parse. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}
