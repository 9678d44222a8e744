import { QrCodeButton } from '../components/QrCodeButton';
import { StatusPill } from '../components/StatusPill';
import { useModel, useStore } from '../model-context';
import { dashboardJoinUrl } from '../model/join-address';
import { registrationStatus } from './registration-status';

interface Props {
  onOpenSettings(): void;
  onShowErrors(): void;
}

/** Brand, who you are on the LAN, host connection, the last error, settings. */
export function AppHeader({ onOpenSettings, onShowErrors }: Props) {
  const model = useModel();
  const host = useStore(model.host.view);
  const registration = useStore(model.p2p.registration);
  const errors = useStore(model.errors);
  useStore(model.personal);
  const status = registrationStatus(registration, host.state?.lan.defaultBroker != null);
  const last = errors.entries[errors.entries.length - 1] ?? null;
  // Only a browser page has an address a phone can open (the app's window is `lan-party://app`, served to no one).
  const web = model.bridge.kind === 'web';
  const joinUrl = web && host.state ? dashboardJoinUrl(host.state.broker, window.location) : null;

  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="6" cy="7" r="3" />
          <circle cx="18" cy="7" r="3" />
          <circle cx="12" cy="18" r="3" />
          <path d="M8.5 8.5 10.5 15.5M15.5 8.5 13.5 15.5M9 7h6" />
        </svg>
        <span className="brand-name">LAN Party</span>
      </div>
      <div className="header-identity" aria-label="You on the LAN">
        <span className="header-name">{model.displayName()}</span>
        <code className="header-id" title="Your peer id">
          {registration.id || 'no id yet'}
        </code>
        <StatusPill tone={status.tone} testId="header-link">
          {status.text}
        </StatusPill>
      </div>
      <div className="header-end">
        {!host.connected && (
          <StatusPill tone="danger" testId="host-connection">
            Host unreachable
          </StatusPill>
        )}
        <button
          type="button"
          className={`btn btn-ghost error-indicator${errors.unseen > 0 ? ' has-unseen' : ''}`}
          onClick={onShowErrors}
          data-testid="error-indicator"
          title={last ? last.message : 'No errors'}
        >
          <span className="error-indicator-count">
            {errors.unseen === 0 ? 'No new errors' : `${errors.unseen} new ${errors.unseen === 1 ? 'error' : 'errors'}`}
          </span>
          {errors.unseen > 0 && last && <span className="error-indicator-text">{last.message}</span>}
        </button>
        {web && (
          <QrCodeButton
            text={joinUrl}
            label="address of this page"
            title="Join from a phone"
            hint="Scan with a phone or tablet on this LAN to open this page there."
            testId="join-qr"
          >
            <span className="join-qr-long">Join from a phone</span>
            <span className="join-qr-short" aria-hidden="true">
              Join
            </span>
          </QrCodeButton>
        )}
        <button type="button" className="btn" onClick={onOpenSettings} data-testid="open-settings">
          Settings
        </button>
      </div>
    </header>
  );
}
