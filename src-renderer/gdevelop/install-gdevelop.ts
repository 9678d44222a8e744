/**
 * Entry of `out/p2p/lan-party-gdevelop-p2p.js` (a classic script, built by
 * vite.p2p.config.ts, --mode gdevelop): what a LAN Party host serves in place of a
 * GDevelop export's `Extensions/P2P/B_p2ptools.js`, right after
 * `out/p2p/lan-party-p2p.global.js` served in place of `A_peer.js` (PeerJS),
 * which defines the `LanPartyP2P` global. It defines `gdjs.evtTools.p2p` on
 * one engine and ends the engine's frame on GDevelop's post-events callback.
 *
 * "Connect to the default broker server" follows the LAN's default broker:
 * the host's `/api/lan`, on the host's port (the game has a port of its own).
 * The injected broker shim (broker-shim.ts) gives the page the default broker
 * as `window.lanPartyBroker`; a LAN Party host serves `/api/lan` on its broker's
 * port, so that is where the engine asks (and, when that host leaves, the
 * other hosts it listed).
 */
import type * as LanPartyP2P from '../p2p/index.js';
import { createGdevelopP2P, lanApiBase, registerEndOfFrame, type GdjsLike } from './p2p-adapter.js';

interface PageGlobals {
  LanPartyP2P?: typeof LanPartyP2P;
  gdjs?: GdjsLike;
  lanPartyBroker?: { host: string; port: number; secure: boolean };
}

function install(page: PageGlobals): void {
  const p2p = page.LanPartyP2P;
  if (!p2p) {
    console.error('LAN Party: the P2P engine (lan-party-p2p.global.js) did not load before the GDevelop adapter; P2P is unavailable.');
    return;
  }
  // `gdjs` is a global `var` of the GDevelop runtime, defined before any extension file.
  const gdjs = (page.gdjs ??= {});
  let engine: LanPartyP2P.P2PEngine | null = null;
  const framed = registerEndOfFrame(gdjs, () => engine?.endFrame());
  if (!framed) console.error('LAN Party: this GDevelop runtime has no post-events callback; the P2P conditions cannot follow its frames.');
  engine = p2p.createP2PEngine({
    defaultBroker: p2p.createHttpDefaultBrokerSource({ baseUrl: lanApiBase(page.lanPartyBroker) }),
    // The game's frame loop owns the queues from the start (its post-events callback drains them every frame);
    // with no such callback, 'auto' keeps them from filling.
    frameQueues: framed ? 'on' : 'auto',
  });
  gdjs.evtTools ??= {};
  gdjs.evtTools.p2p = createGdevelopP2P(engine, gdjs);
}

install(globalThis as PageGlobals);
