import { useId, useState } from 'react';
import { PartyCodeSchema, type LanState, type Settings } from '../../../src-preload/contract';
import { Field } from '../components/Field';
import { QrCodeButton } from '../components/QrCodeButton';
import { TextInput } from '../components/TextInput';
import { useModel } from '../model-context';

/** 10 characters of a 32-symbol alphabet without look-alikes (0/o, 1/l/i): 50 bits, easy to read out. */
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function generateCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length] ?? 'a');
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * The party code and the pinned broker (host settings, control only). The
 * code is a secret: shown only here, to a page that controls this host, and
 * as a password field until asked.
 */
export function PartySettings({ settings, lan }: { settings: Settings; lan: LanState | null }) {
  const model = useModel();
  const id = useId();
  const [code, setCode] = useState(settings.partyCode ?? '');
  const [visible, setVisible] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const parsed = PartyCodeSchema.safeParse(code);
  const error = code === '' || parsed.success ? null : (parsed.error.issues[0]?.message ?? 'invalid code');
  const save = async (partyCode: string | null): Promise<void> => {
    setStatus('Saving…');
    setStatus((await model.updateHostSettings({ partyCode })) ? (partyCode ? 'Party code on' : 'Party code removed') : 'Not saved: see the error log');
  };
  const pinned = settings.pinnedBroker;
  const pinnedName = lan?.instances.find((i) => i.instanceId === pinned)?.name ?? null;

  return (
    <section className="settings-section">
      <h3 className="subheading">
        Party <span className="muted small">Keeps strangers from becoming this LAN’s default broker</span>
      </h3>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed.success) void save(parsed.data);
        }}
      >
        <Field
          id={`${id}-code`}
          label="Party code"
          error={error}
          hint="Type the same code on every machine of the party. Machines without it are listed as not in this party and never become the default broker."
        >
          <TextInput id={`${id}-code`} type={visible ? 'text' : 'password'} value={code} invalid={error !== null} testId="settings-party-code" onChange={setCode} />
        </Field>
        <div className="save-row">
          <button type="submit" className="btn btn-primary" disabled={!parsed.success || code.trim() === settings.partyCode} data-testid="party-code-save">
            Use this code
          </button>
          <button type="button" className="btn" onClick={() => { setCode(generateCode()); setVisible(true); }} data-testid="party-code-generate">
            New code
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setVisible(!visible)}>
            {visible ? 'Hide' : 'Show'}
          </button>
          <QrCodeButton
            text={settings.partyCode}
            label="party code"
            title="Party code"
            hint="Scan it on the next machine of the party, then type it there"
            testId="party-code-qr"
          >
            QR code
          </QrCodeButton>
          {settings.partyCode !== null && (
            <button type="button" className="btn btn-danger-ghost" onClick={() => { setCode(''); void save(null); }} data-testid="party-code-remove">
              Remove code
            </button>
          )}
          <span className="small muted" role="status" data-testid="party-code-status">
            {status}
          </span>
        </div>
      </form>
      <p className="small" data-testid="settings-pinned-broker">
        {pinned === null ? (
          <span className="muted">No broker pinned: the default broker is elected (pin one from the LAN panel).</span>
        ) : (
          <>
            Pinned broker: <strong>{pinnedName ?? 'not on the LAN now'}</strong> <code>{pinned}</code>{' '}
            <button type="button" className="btn btn-small" onClick={() => void model.updateHostSettings({ pinnedBroker: null })} data-testid="unpin-broker">
              Unpin
            </button>
          </>
        )}
      </p>
    </section>
  );
}
