import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ArchiveLimits, IceServer, Settings } from '../../../src-preload/contract';
import { Field } from '../components/Field';
import { Switch } from '../components/Switch';
import { useModel, useStore } from '../model-context';
import { parseInterfaceList, validateArchiveLimit, validateBrokerKey, validateBrokerPath, validateIceServer, validatePerAddressLimit, validatePort } from '../model/validation';
import { DisplayNameForm } from './DisplayNameForm';
import { PartySettings } from './PartySettings';

interface Props {
  open: boolean;
  onClose(): void;
}

/**
 * Settings, persisted by the host (`updateSettings`) when this page controls
 * it; a browser player's own name and auto-connect live in this browser.
 * A native modal dialog: focus is trapped, Escape closes it.
 */
export function SettingsDialog({ open, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const model = useModel();
  const host = useStore(model.host.view);
  useStore(model.personal);
  const settings = host.state?.settings ?? null;
  const canControl = host.state?.canControl ?? false;

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);

  return (
    <dialog ref={dialog} className="overlay settings-dialog" aria-labelledby="settings-title" onClose={onClose} data-testid="settings-dialog">
      <header className="dialog-header">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label="Close settings">
          Close
        </button>
      </header>
      {open && (
        <div className="dialog-body">
          <Section title="You" note={canControl ? 'Saved on this host' : 'Saved in this browser'}>
            <DisplayNameForm current={model.displayName()} testId="settings-name" />
            <Switch checked={model.autoConnect()} onChange={(on) => void model.setAutoConnect(on)} label="Auto-connect to everyone on the LAN" testId="settings-auto-connect" />
          </Section>
          {settings && canControl ? (
            <>
              <PartySettings settings={settings} lan={host.state?.lan ?? null} />
              <BrokerSettings settings={settings} />
              <IceServerSettings servers={settings.iceServers} />
              <InterfaceSettings interfaces={settings.interfaces} />
              <ArchiveSettings limits={settings.archive} />
            </>
          ) : (
            <p className="muted">The broker, ICE servers and network interfaces are set on the host machine (or with its control token).</p>
          )}
        </div>
      )}
    </dialog>
  );
}

function Section({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <section className="settings-section">
      <h3 className="subheading">
        {title} {note && <span className="muted small">{note}</span>}
      </h3>
      {children}
    </section>
  );
}

function useSaver(): [string | null, (action: () => Promise<boolean>) => Promise<void>] {
  const [status, setStatus] = useState<string | null>(null);
  const run = async (action: () => Promise<boolean>): Promise<void> => {
    setStatus('Saving…');
    setStatus((await action()) ? 'Saved' : 'Not saved: see the error log');
  };
  return [status, run];
}

function BrokerSettings({ settings }: { settings: Settings }) {
  const model = useModel();
  const id = useId();
  const [port, setPort] = useState(String(settings.broker.port));
  const [path, setPath] = useState(settings.broker.path);
  const [key, setKey] = useState(settings.broker.key);
  const [perMachine, setPerMachine] = useState(String(settings.broker.perAddressLimit));
  const checks = { port: validatePort(port), path: validateBrokerPath(path), key: validateBrokerKey(key), perMachine: validatePerAddressLimit(perMachine) };
  const broker =
    checks.port.ok && checks.path.ok && checks.key.ok && checks.perMachine.ok
      ? { port: checks.port.value, path: checks.path.value, key: checks.key.value, perAddressLimit: checks.perMachine.value }
      : null;

  return (
    <SettingsForm title="Broker on this host" testId="broker-settings" save={broker && (() => model.updateHostSettings({ broker }))}>
      <div className="settings-grid">
        <Field id={`${id}-port`} label="Port" error={checks.port.ok ? null : checks.port.error} hint="Applies at the next launch">
          <input id={`${id}-port`} className="input num" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} aria-invalid={!checks.port.ok} aria-describedby={`${id}-port-msg`} />
        </Field>
        <Field id={`${id}-path`} label="Path" error={checks.path.ok ? null : checks.path.error} hint="Restarts the broker">
          <input id={`${id}-path`} className="input mono" value={path} onChange={(e) => setPath(e.target.value)} aria-invalid={!checks.path.ok} aria-describedby={`${id}-path-msg`} />
        </Field>
        <Field id={`${id}-key`} label="Key" error={checks.key.ok ? null : checks.key.error} hint="Restarts the broker">
          <input id={`${id}-key`} className="input mono" value={key} onChange={(e) => setKey(e.target.value)} aria-invalid={!checks.key.ok} aria-describedby={`${id}-key-msg`} />
        </Field>
        <Field id={`${id}-per-machine`} label="Clients per machine" error={checks.perMachine.ok ? null : checks.perMachine.error} hint="At once from one address, so one machine cannot fill the broker. Restarts the broker">
          <input id={`${id}-per-machine`} className="input num" inputMode="numeric" value={perMachine} onChange={(e) => setPerMachine(e.target.value)} aria-invalid={!checks.perMachine.ok} aria-describedby={`${id}-per-machine-msg`} data-testid="settings-per-address-limit" />
        </Field>
      </div>
    </SettingsForm>
  );
}

function IceServerSettings({ servers }: { servers: IceServer[] }) {
  const model = useModel();
  const id = useId();
  const [list, setList] = useState<IceServer[]>(servers);
  const [urls, setUrls] = useState('');
  const [username, setUsername] = useState('');
  const [credential, setCredential] = useState('');
  const [status, save] = useSaver();
  const candidate = validateIceServer(urls, username, credential);
  const changed = JSON.stringify(list) !== JSON.stringify(servers);

  return (
    <Section title="ICE servers" note="STUN/TURN, for players beyond this LAN; none needed on a LAN">
      {list.length === 0 ? (
        <p className="muted small">No ICE servers: connections use the LAN addresses only (fastest on a LAN, no waiting on unreachable servers).</p>
      ) : (
        <ul className="ice-list">
          {list.map((server, index) => (
            <li key={`${server.urls}-${index}`}>
              <code>{server.urls}</code>
              {server.username && <span className="muted small">user {server.username}</span>}
              <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setList(list.filter((_, i) => i !== index))} aria-label={`Remove ${server.urls}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!candidate.ok || list.length >= 16) return;
          setList([...list, candidate.value]);
          setUrls('');
          setUsername('');
          setCredential('');
        }}
      >
        <div className="settings-grid ice-grid">
          <Field id={`${id}-urls`} label="URL" error={urls !== '' && !candidate.ok ? candidate.error : null} hint="stun:host:3478 or turn:host:3478">
            <input id={`${id}-urls`} className="input mono" value={urls} onChange={(e) => setUrls(e.target.value)} aria-describedby={`${id}-urls-msg`} />
          </Field>
          <Field id={`${id}-user`} label="Username" error={null} hint="TURN only">
            <input id={`${id}-user`} className="input" value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} aria-describedby={`${id}-user-msg`} />
          </Field>
          <Field id={`${id}-cred`} label="Credential" error={null} hint="TURN only">
            <input id={`${id}-cred`} className="input" type="password" autoComplete="off" value={credential} onChange={(e) => setCredential(e.target.value)} aria-describedby={`${id}-cred-msg`} />
          </Field>
          <button type="submit" className="btn ice-add" disabled={!candidate.ok || list.length >= 16} data-testid="ice-add">
            Add
          </button>
        </div>
      </form>
      <SaveRow
        testId="ice"
        label="Save ICE servers"
        disabled={!changed}
        onClick={() => void save(() => model.updateHostSettings({ iceServers: list }))}
        status={status ?? 'New servers apply to new connections; a removed one stays in use until the page reloads.'}
      />
    </Section>
  );
}

function InterfaceSettings({ interfaces }: { interfaces: string[] }) {
  const model = useModel();
  const id = useId();
  const [text, setText] = useState(interfaces.join(', '));
  const parsed = parseInterfaceList(text);

  return (
    <SettingsForm title="Network interfaces" testId="interfaces" save={parsed.ok ? () => model.updateHostSettings({ interfaces: parsed.value }) : null}>
      <Field id={`${id}-if`} label="Advertise and look for players on" error={parsed.ok ? null : parsed.error} hint="Interface names, comma-separated (e.g. eth0, wlan0). Empty: every IPv4 interface.">
        <input id={`${id}-if`} className="input mono" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!parsed.ok} aria-describedby={`${id}-if-msg`} />
      </Field>
    </SettingsForm>
  );
}

function ArchiveSettings({ limits }: { limits: ArchiveLimits }) {
  const model = useModel();
  const id = useId();
  const [entries, setEntries] = useState(String(limits.maxEntries));
  const [mib, setMib] = useState(String(Math.round(limits.maxTotalBytes / 1024 ** 2)));
  const [ratio, setRatio] = useState(String(limits.maxRatio));
  const checks = {
    maxEntries: validateArchiveLimit('maxEntries', entries),
    maxTotalBytes: validateArchiveLimit('maxTotalBytes', mib, 1024 ** 2),
    maxRatio: validateArchiveLimit('maxRatio', ratio),
  };
  const archive =
    checks.maxEntries.ok && checks.maxTotalBytes.ok && checks.maxRatio.ok
      ? { maxEntries: checks.maxEntries.value, maxTotalBytes: checks.maxTotalBytes.value, maxRatio: checks.maxRatio.value }
      : null;

  return (
    <SettingsForm title="Game archives" note="A .zip past these is refused before anything is unpacked" testId="archive-settings" save={archive && (() => model.updateHostSettings({ archive }))}>
      <div className="settings-grid">
        <Field id={`${id}-entries`} label="Files, at most" error={checks.maxEntries.ok ? null : checks.maxEntries.error}>
          <input id={`${id}-entries`} className="input num" inputMode="numeric" value={entries} onChange={(e) => setEntries(e.target.value)} aria-invalid={!checks.maxEntries.ok} aria-describedby={`${id}-entries-msg`} />
        </Field>
        <Field id={`${id}-size`} label="Unpacked MiB, at most" error={checks.maxTotalBytes.ok ? null : checks.maxTotalBytes.error}>
          <input id={`${id}-size`} className="input num" inputMode="decimal" value={mib} onChange={(e) => setMib(e.target.value)} aria-invalid={!checks.maxTotalBytes.ok} aria-describedby={`${id}-size-msg`} />
        </Field>
        <Field id={`${id}-ratio`} label="Compression ratio, at most" error={checks.maxRatio.ok ? null : checks.maxRatio.error} hint="Games: under 20x; zip bombs: 1000x">
          <input id={`${id}-ratio`} className="input num" inputMode="decimal" value={ratio} onChange={(e) => setRatio(e.target.value)} aria-invalid={!checks.maxRatio.ok} aria-describedby={`${id}-ratio-msg`} />
        </Field>
      </div>
    </SettingsForm>
  );
}

/** A section whose form saves its fields: `save` is null while a field is invalid (Save disabled); the status line says how saving went. */
function SettingsForm({ title, note, testId, save, children }: { title: string; note?: string; testId: string; save: (() => Promise<boolean>) | null; children: ReactNode }) {
  const [status, run] = useSaver();
  return (
    <Section title={title} note={note}>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (save) void run(save);
        }}
      >
        {children}
        <SaveRow testId={testId} label="Save" disabled={save === null} status={status ?? '\u00a0'} />
      </form>
    </Section>
  );
}

/** A save button and its status line (how the last save went, or what saving does). Without onClick, the button submits its form. */
function SaveRow({ testId, label, disabled, onClick, status }: { testId: string; label: string; disabled: boolean; onClick?: () => void; status: string }) {
  return (
    <div className="save-row">
      <button type={onClick ? 'button' : 'submit'} className="btn btn-primary" disabled={disabled} onClick={onClick} data-testid={`${testId}-save`}>
        {label}
      </button>
      <span className="small muted" role="status" data-testid={`${testId}-status`}>
        {status}
      </span>
    </div>
  );
}
