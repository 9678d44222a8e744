import { useState } from 'react';
import { useModel } from './model-context';
import { AppHeader } from './panels/AppHeader';
import { BrokerPanel } from './panels/BrokerPanel';
import { ErrorsPanel } from './panels/ErrorsPanel';
import { GamesPanel } from './panels/GamesPanel';
import { EventConsole } from './panels/EventConsole';
import { IdentityPanel } from './panels/IdentityPanel';
import { InstancesPanel } from './panels/InstancesPanel';
import { LanPanel } from './panels/LanPanel';
import { PeersPanel } from './panels/PeersPanel';
import { SettingsDialog } from './panels/SettingsDialog';
import { WelcomeCard } from './panels/WelcomeCard';

/**
 * The dashboard: who you are and the LAN on the side; connections, the event
 * console and errors in the main column. Wide windows scroll each column on
 * its own (a desktop app, not a web page); narrow ones stack everything.
 */
export function App() {
  const model = useModel();
  const [settingsOpen, setSettingsOpen] = useState(false);

  const showErrors = (): void => {
    model.markErrorsSeen();
    const panel = document.getElementById('errors');
    panel?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    panel?.focus({ preventScroll: true });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#events">
        Skip to the event console
      </a>
      <AppHeader onOpenSettings={() => setSettingsOpen(true)} onShowErrors={showErrors} />
      <main className="app-main">
        <WelcomeCard />
        <div className="columns">
          <div className="column column-side">
            <IdentityPanel />
            <LanPanel />
            <GamesPanel />
            <BrokerPanel />
          </div>
          <div className="column column-main">
            <PeersPanel />
            <EventConsole />
            {/* After the console: the console keeps its place in a desktop window, where players read it live. */}
            <InstancesPanel />
            <ErrorsPanel />
          </div>
        </div>
      </main>
      <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </div>
  );
}
