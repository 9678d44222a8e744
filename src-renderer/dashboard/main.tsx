/**
 * Dashboard entry: one model for the page's lifetime (created here, outside
 * React, so StrictMode's double effects never start a second engine), then
 * the React tree.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from '../bridge';
import { takeControlToken } from '../control-token';
import { App } from './App';
import { exposeDebugHandle } from './debug-handle';
import { browserEnvironment, DashboardModel } from './model/dashboard-model';
import { ModelContext } from './model-context';
import 'uplot/dist/uPlot.min.css';
import './styles/theme.css';
import './styles/layout.css';
// Primitives before the panels: a panel's rule wins over a primitive's of the same specificity. The bench page imports
// theme.css and primitives.css too, so the build links them as a shared stylesheet ahead of this entry's: in the page they
// also precede uPlot's, qr-code.css and layout.css, which therefore must not count on order against a primitive.
import './styles/primitives.css';
import './styles/panels/identity.css';
import './styles/panels/broker.css';
import './styles/panels/peers.css';
import './styles/panels/errors.css';
import './styles/panels/settings.css';
import './styles/panels/console.css';
import './styles/panels/instances.css';

// First of all: a `#token=` leaves the address bar and this history entry (imports above only define things).
const environment = browserEnvironment();
const controlToken = takeControlToken({ location: window.location, history: window.history, sessionStorage: environment.sessionStorage });

const root = document.getElementById('app');
if (!root) throw new Error('missing #app');

const model = new DashboardModel(getBridge(controlToken), environment);
exposeDebugHandle(model.p2p.engine);
model.start();
window.addEventListener('pagehide', () => model.stop());

createRoot(root).render(
  <StrictMode>
    <ModelContext.Provider value={model}>
      <App />
    </ModelContext.Provider>
  </StrictMode>,
);
