/**
 * What a game's own origin serves for the game agent, composed from the hub
 * (the agent socket at AGENT_PATH) and the signaling relay (RELAY_PATH). A
 * request before the game is listed (its port just opened) gets a 503.
 */
import type { HostedGame } from '../../../src-preload/contract.js';
import { AGENT_PATH, RELAY_PATH } from '../../../src-preload/game-agent-protocol.js';
import { sendText, type RequestRoute, type UpgradeRoute } from '../http-server.js';
import type { GameAgentHub } from './game-agent-hub.js';
import type { SignalingRelay } from './signaling-relay.js';

export function gameAgentRoutes(hub: GameAgentHub, relay: SignalingRelay, game: () => HostedGame | null): { request: RequestRoute; upgrade: UpgradeRoute } {
  return {
    request: (req, res, url) => {
      if (url.pathname !== AGENT_PATH && !url.pathname.startsWith(RELAY_PATH)) return false;
      if (url.pathname === AGENT_PATH) {
        sendText(res, 426, 'The LAN Party game agent speaks WebSocket here.');
        return true;
      }
      return relay.handleRequest(req, res, url);
    },
    upgrade: (req, socket, head, url) => {
      const hosted = game();
      if (url.pathname !== AGENT_PATH && url.pathname !== `${RELAY_PATH}peerjs`) return false;
      if (!hosted) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      if (url.pathname === AGENT_PATH) {
        hub.handleUpgrade(hosted, req, socket, head);
        return true;
      }
      return relay.handleUpgrade(hosted, req, socket, head, url);
    },
  };
}
