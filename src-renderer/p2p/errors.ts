/**
 * Bounded error log shared by the frame API ("An error occurred" /
 * GetLastError) and the listener API. Pure: no timers, no I/O, so it is
 * unit-tested under Node.
 */

/**
 * What kind of error, stable across versions (the message is for people and
 * may change). Documented in docs/p2p-api.md ("Errors").
 */
export type P2PErrorCode =
  /** A public function got an argument it cannot use (id, event name, broker settings, ICE server, a value JSON cannot carry). */
  | 'invalid-argument'
  /** `useBroker`/`useDefaultBroker` while already connected to a broker. */
  | 'already-connected'
  /** `connect` without an open broker link. */
  | 'no-broker'
  /** The broker refused our id: taken by another client (fatal: nothing re-registers until the game acts). */
  | 'id-taken'
  /** Any other broker failure: lost link, invalid id or key (fatal), server error. */
  | 'broker-error'
  /** The LAN's default broker could not be found (yet). */
  | 'default-broker'
  /** A connection to a peer could not be opened (unknown id, no answer, or a failure none of the ICE codes below explains). */
  | 'peer-unavailable'
  /** A connection failed and this browser (or the peer) gathered no ICE candidate (Chromium on a LAN without a default route, without camera/microphone permission). */
  | 'no-ice-candidates'
  /** A connection failed with candidates on both sides but no working path between them: add a TURN server both peers can reach. */
  | 'no-ice-path'
  /** A TURN server refused the ICE server's username/password (401), recorded at once. */
  | 'turn-auth-failed'
  /** A send or disconnect named a peer that is not connected. */
  | 'peer-not-connected'
  /** An event is larger than the engine or the connection carries. */
  | 'too-large'
  /** Events that could not be sent (send buffer full, connection gone). */
  | 'send-failed'
  /** A peer sent something that is not a valid message: dropped and counted. */
  | 'malformed-message'
  /** A frame queue is full: new items are dropped until the game catches up. */
  | 'queue-full'
  /** A data connection reported an error. */
  | 'connection-error'
  /** A bug: something threw inside the engine. */
  | 'internal';

export interface P2PErrorEntry {
  /** Monotonic sequence number, so a reader can tell entries apart after the log wrapped. */
  seq: number;
  /** Epoch milliseconds when it was recorded. */
  at: number;
  code: P2PErrorCode;
  message: string;
}

/** Default number of entries kept; older ones are dropped first. */
export const DEFAULT_ERROR_LOG_CAPACITY = 100;

/** Longest message stored: messages may embed untrusted peer input. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

export class ErrorLog {
  private readonly entries: P2PErrorEntry[] = [];
  private seq = 0;
  private flag = false;
  private last = '';

  constructor(private readonly capacity = DEFAULT_ERROR_LOG_CAPACITY) {}

  /** Records an error; returns the stored entry. */
  record(code: P2PErrorCode, message: string, at: number): P2PErrorEntry {
    const text = message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : message;
    this.seq += 1;
    const entry: P2PErrorEntry = { seq: this.seq, at, code, message: text };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.flag = true;
    this.last = text;
    return entry;
  }

  /** "An error occurred": true once after an error was recorded; reading it clears the flag. */
  consumeFlag(): boolean {
    const was = this.flag;
    this.flag = false;
    return was;
  }

  /** Text of the last error recorded, "" when none (not cleared by consumeFlag, as in the reference). */
  get lastError(): string {
    return this.last;
  }

  /** Total errors recorded since creation (the log itself keeps only the newest). */
  get total(): number {
    return this.seq;
  }

  /** A copy of the kept entries, oldest first. */
  list(): P2PErrorEntry[] {
    return this.entries.slice();
  }
}
