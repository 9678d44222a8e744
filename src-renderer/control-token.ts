/**
 * The host's control token, for a browser opened on the address
 * `lan-party host` prints (`http://<addr>:<port>/#token=<t>`). A fragment is
 * never sent to a server nor in a Referer; at start-up the page moves it into
 * this tab's session storage and rewrites the current history entry without
 * it, so it shows in no address bar, history entry or bookmark. A reload keeps
 * control (same tab, same session storage); a new tab opened by hand does not.
 */
import { ControlTokenSchema } from '../src-preload/contract';

const STORAGE_KEY = 'lan-party.control-token';

/** The parts of `window` this needs (explicit, so it is testable in Node). */
export interface AddressBar {
  location: { pathname: string; search: string; hash: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url: string): void };
  /** Null where the browser refuses storage: then control lasts for this load only. */
  sessionStorage: Storage | null;
}

function storedToken(storage: Storage | null): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Strips `token` from the address (keeping any other fragment parameter) and returns this tab's token, or null. */
export function takeControlToken(bar: AddressBar): string | null {
  const fragment = new URLSearchParams(bar.location.hash.replace(/^#/, ''));
  const given = fragment.get('token');
  if (given === null) return storedToken(bar.sessionStorage);
  fragment.delete('token');
  const rest = fragment.toString();
  bar.history.replaceState(bar.history.state, '', `${bar.location.pathname}${bar.location.search}${rest ? `#${rest}` : ''}`);
  // A malformed token is dropped rather than offered in the handshake (where it would fail the connection).
  if (!ControlTokenSchema.safeParse(given).success) return storedToken(bar.sessionStorage);
  try {
    bar.sessionStorage?.setItem(STORAGE_KEY, given);
  } catch {
    // Storage refused (quota, privacy mode): control for this load only.
  }
  return given;
}

