/**
 * Test bench entry (`bench.html?game=<id>&count=<N>[&query=...]`): the same
 * bridge as the dashboard (window.lanParty in Electron, the host's WebSocket
 * in a browser, with control on loopback or with the tab's token), one
 * session for the page's lifetime, then the React tree.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from '../bridge';
import { takeControlToken } from '../control-token';
import { BenchApp } from './BenchApp';
import { newBenchId, parseBenchParams } from './model/bench-params';
import { BenchSession } from './model/bench-session';
import '../dashboard/styles/theme.css';
import '../dashboard/styles/primitives.css';
import './bench.css';

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

// First of all: a `#token=` leaves the address bar and this history entry.
const controlToken = takeControlToken({ location: window.location, history: window.history, sessionStorage: sessionStorageOrNull() });

const root = document.getElementById('app');
if (!root) throw new Error('missing #app');

const params = parseBenchParams(window.location.search);
const session = new BenchSession(getBridge(controlToken).api, params.gameId, newBenchId());
session.start();
window.addEventListener('pagehide', () => session.stop());

createRoot(root).render(
  <StrictMode>
    <BenchApp session={session} params={params} />
  </StrictMode>,
);
