/**
 * The send path: one event to every connected peer or to one, on the link
 * each peer is sent to (its oldest open one), through the outbox on links
 * that batch (engines that declared `batch`, outbox.ts), alone otherwise.
 * Every send returns what it did (`SendOutcome`); every failure is also a
 * recorded error.
 */
import type { SendResult } from './connection.js';
import type { EngineCore } from './engine-core.js';
import type { P2PErrorCode } from './errors.js';
import { quote } from './ids.js';
import type { Link, Session } from './links.js';
import { encodePiece, exceedsBatch, fitsBatch, Outbox, type Piece } from './outbox.js';
import type { SendOutcome } from './types.js';
import type { BuildResult, WireEvent } from './wire.js';

/** A send that a connection refused: the error it recorded. */
type SendFailure = { code: P2PErrorCode; message: string };

/** What the send path reads of the link table (links.ts). */
export interface SendTable {
  readonly sessions: ReadonlyMap<string, Session>;
  primaryLink(session: Session): Link | undefined;
}

export class Sends {
  /** Coalesces the events of one task into one frame per batching link. */
  readonly outbox = new Outbox<Link>((link, text, bytes, count) => this.sendBatchOn(link, text, bytes, count));

  constructor(
    private readonly core: EngineCore,
    private readonly table: SendTable,
  ) {}

  sendToAll(built: BuildResult): SendOutcome {
    if (!built.ok) return this.refuse(built.code, built.error);
    // Built once for every link that batches, even when none does (then nothing is built).
    let piece: Piece | null = null;
    let peers = 0;
    let failure: SendFailure | null = null;
    for (const session of this.table.sessions.values()) {
      if (!session.connected) continue;
      const link = this.table.primaryLink(session);
      let result: SendFailure | null;
      if (link && this.batches(link)) {
        piece ??= exceedsBatch(built.event) ? null : encodePiece(built.event);
        result = this.sendBatched(session, link, built.event, piece);
      } else {
        result = this.sendSingle(session, link, built.event);
      }
      if (result) failure ??= result;
      else peers += 1;
    }
    return failure ? { ok: false, peers, ...failure } : { ok: true, peers };
  }

  sendToPeer(peerId: unknown, built: BuildResult): SendOutcome {
    const session = typeof peerId === 'string' ? this.table.sessions.get(peerId) : undefined;
    if (!session || !session.connected) {
      return this.refuse('peer-not-connected', `Peer ${typeof peerId === 'string' ? peerId : quote(peerId)} is not connected`);
    }
    if (!built.ok) return this.refuse(built.code, built.error);
    const link = this.table.primaryLink(session);
    const failure =
      link && this.batches(link) ? this.sendBatched(session, link, built.event, exceedsBatch(built.event) ? null : encodePiece(built.event)) : this.sendSingle(session, link, built.event);
    return failure ? { ok: false, peers: 0, ...failure } : { ok: true, peers: 1 };
  }

  /** Records the error of a send refused before any connection took it. */
  private refuse(code: P2PErrorCode, message: string): SendOutcome {
    this.core.recordError(code, message);
    return { ok: false, peers: 0, code, message };
  }

  /**
   * A link batches when its other end is an engine that declared `batch`, on a
   * binary connection (where text frames are engine-only): never toward a
   * stock peer, nor an older engine.
   */
  private batches(link: Link): boolean {
    return link.batch && link.conn.remoteIsEngine && (link.conn.serialization === 'binary' || link.conn.serialization === 'binary-utf8');
  }

  /** Every event on a batching link goes through here, so the link keeps the send order. `piece`: null when it `exceedsBatch`. */
  private sendBatched(session: Session, link: Link, event: WireEvent, piece: Piece | null): SendFailure | null {
    if (piece && fitsBatch(piece)) {
      this.outbox.add(link, piece);
      return null;
    }
    // Too large for a batch: what is pending leaves first, then this event alone.
    this.outbox.flush(link);
    return this.sendSingle(session, link, event);
  }

  /** The outbox's sender: one batch frame; stats count its events (and one frame). */
  private sendBatchOn(link: Link, text: string, bytes: number, count: number): void {
    if (link.state !== 'open') {
      this.core.recordError('send-failed', `${count} events to ${link.peerId} were not sent: the connection closed`);
      return;
    }
    const result = link.conn.sendBatch(text, bytes, count);
    if (!result.ok) {
      this.core.recordError(result.code, result.error);
      return;
    }
    const session = this.table.sessions.get(link.peerId);
    if (!session) return;
    session.messagesOut += count;
    session.bytesOut += result.bytes;
    session.framesOut += 1;
  }

  /** Sends one event on one link; returns the (recorded) failure, or null when the link took it. */
  private sendSingle(session: Session, link: Link | undefined, event: WireEvent): SendFailure | null {
    if (!link) {
      const message = `Peer ${session.peerId} is not connected`;
      this.core.recordError('peer-not-connected', message);
      return { code: 'peer-not-connected', message };
    }
    const result: SendResult = link.conn.sendEvent(event);
    if (!result.ok) {
      this.core.recordError(result.code, result.error);
      return { code: result.code, message: result.error };
    }
    session.messagesOut += 1;
    session.bytesOut += result.bytes;
    session.framesOut += 1;
    return null;
  }
}
