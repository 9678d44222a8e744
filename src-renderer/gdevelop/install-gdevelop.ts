/**
 * Entry of `out/p2p/lan-party-gdevelop-p2p.js` (a classic script, built by
 * vite.p2p.config.ts, --mode gdevelop): what a LAN Party host serves in place of a
 * GDevelop export's `Extensions/P2P/B_p2ptools.js`, right after
 * `out/p2p/lan-party-p2p.global.js` served in place of `A_peer.js` (PeerJS),
 * which defines the `LanPartyP2P` global. It defines `gdjs.evtTools.p2p` on
 * one engine and ends the engine's frame on GDevelop's post-events callback.
 *
 * "Connect to the default broker server" is the signaling relay on the game's
 * own origin, which the injected game agent (game-shim/broker-shim.ts)
 * describes as `window.lanPartyBroker`: a fixed source, since the serving host
 * relays to the LAN's default broker of the moment and keeps the page's id
 * when it moves (the same failover as every other hosted game). A page with no
 * agent falls back to `/api/lan` on its own origin.
 */
import type * as LanPartyP2P from '../p2p/index.js';
import { createGdevelopP2P, registerEndOfFrame, relayEndpoint, type GdjsLike } from './p2p-adapter.js';

interface PageGlobals {
  LanPartyP2P?: typeof LanPartyP2P;
  gdjs?: GdjsLike;
  lanPartyBroker?: unknown;
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
  const relay = relayEndpoint(page.lanPartyBroker);
  engine = p2p.createP2PEngine({
    defaultBroker: relay ? p2p.createStaticDefaultBrokerSource(relay) : p2p.createHttpDefaultBrokerSource(),
    // The game's frame loop owns the queues from the start (its post-events callback drains them every frame);
    // with no such callback, 'auto' keeps them from filling.
    frameQueues: framed ? 'on' : 'auto',
  });
  gdjs.evtTools ??= {};
  gdjs.evtTools.p2p = createGdevelopP2P(engine, gdjs);
}

install(globalThis as PageGlobals);
