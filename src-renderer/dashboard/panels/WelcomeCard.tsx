import { useModel, useStore } from '../model-context';
import { describeEndpoint } from '../model/format';
import { DisplayNameForm } from './DisplayNameForm';

/**
 * First launch: pick a name while the dashboard already does the rest, shown
 * as a live checklist (looking for players, instances found, connected to the
 * LAN's default broker). Dismissed once, remembered in this browser.
 */
export function WelcomeCard() {
  const model = useModel();
  const personal = useStore(model.personal);
  const host = useStore(model.host.view);
  const registration = useStore(model.p2p.registration);
  const directory = useStore(model.directory);
  if (personal.welcomed) return null;

  const dismiss = (): void => {
    model.dismissWelcome();
    // The button disappears with the card: put the focus on the first panel instead of losing it.
    document.getElementById('identity')?.focus();
  };

  const lan = host.state?.lan;
  const others = (lan?.instances ?? []).filter((i) => !i.self).length;
  const players = directory.ids.filter((id) => id !== registration.id).length;
  const found = others > 0 || players > 0;
  const lanText = !lan
    ? 'Reaching the LAN Party host…'
    : found
      ? `Found ${others} other LAN Party ${others === 1 ? 'instance' : 'instances'} and ${players} ${players === 1 ? 'player' : 'players'} on the broker`
      : lan.discovery === 'off'
        ? 'Looking for players on this broker (LAN discovery is off on this host)'
        : 'Looking for players on this LAN…';
  const brokerText =
    registration.state === 'connected' && registration.broker
      ? `Connected to the LAN's default broker (${describeEndpoint(registration.broker)})`
      : lan && !lan.defaultBroker
        ? 'Waiting for a broker on the LAN…'
        : 'Connecting to the LAN’s default broker…';

  return (
    <section className="welcome" aria-labelledby="welcome-title" data-testid="welcome">
      <div className="welcome-intro">
        <h2 id="welcome-title">Welcome to LAN Party</h2>
        <p>Pick the name other players see. The rest is automatic: LAN Party finds the players on your network and connects you to the LAN’s broker.</p>
      </div>
      <div className="welcome-name">
        <DisplayNameForm current={model.displayName()} testId="welcome-name" label="Your name" />
      </div>
      <ol className="checklist" aria-label="Getting on the LAN">
        <li className={found ? 'done' : 'pending'} data-testid="welcome-lan" data-state={found ? 'found' : 'looking'}>
          {!found && <span className="spinner" aria-hidden="true" />}
          {lanText}
        </li>
        <li className={registration.state === 'connected' ? 'done' : 'pending'} data-testid="welcome-broker" data-state={registration.state}>
          {registration.state !== 'connected' && <span className="spinner" aria-hidden="true" />}
          {brokerText}
        </li>
      </ol>
      <button type="button" className="btn btn-primary welcome-dismiss" onClick={dismiss} data-testid="welcome-dismiss">
        Got it
      </button>
    </section>
  );
}
