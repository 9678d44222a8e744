import { useId, useState } from 'react';
import { Field } from '../components/Field';
import { TextInput } from '../components/TextInput';
import { useModel, useStore } from '../model-context';
import { parseEventData, validateEventName, type DataMode } from '../model/validation';

/**
 * Sends an event to every connected peer or to one, with the data as text or
 * as JSON (GDevelop's "variable" form), validated as you type: invalid JSON
 * cannot be sent, and the message under the field says why.
 */
export function SendEventForm() {
  const model = useModel();
  const peers = useStore(model.p2p.peers);
  const id = useId();
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<DataMode>('text');
  const [data, setData] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [feedback, setFeedback] = useState<string | null>(null);

  const open = peers.filter((p) => p.state === 'open');
  // A chosen peer that left falls back to "everyone" instead of a dead option.
  const effectiveTarget = open.some((p) => p.peerId === target) ? target : '';
  const nameCheck = validateEventName(name);
  const dataCheck = parseEventData(mode, data);
  const noPeers = open.length === 0;
  // An empty JSON field is not a mistake yet: say what to type, in the hint's colour.
  const emptyJson = mode === 'json' && data.trim() === '';
  const dataError = dataCheck.ok || emptyJson ? null : dataCheck.error;
  const dataHint = mode === 'json' ? (emptyJson ? 'Type a JSON value, for example {"x": 1} or 42' : 'Valid JSON') : 'Enter sends, Shift+Enter adds a line';
  const canSend = nameCheck.ok && dataCheck.ok && !noPeers;

  const send = (): void => {
    setNameTouched(true);
    if (!canSend || !nameCheck.ok || !dataCheck.ok) return;
    const result = model.sendEvent(effectiveTarget || null, nameCheck.value, dataCheck.value);
    const to = effectiveTarget ? effectiveTarget : `${open.length} ${open.length === 1 ? 'peer' : 'peers'}`;
    setFeedback(result.ok ? `Sent “${nameCheck.value}” to ${to}` : `Not sent: ${result.message}`);
  };

  return (
    <form
      className="send-form"
      aria-label="Send an event"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div className="send-grid">
        <div className="send-field">
          <label htmlFor={`${id}-target`} className="field-label">
            To
          </label>
          <select id={`${id}-target`} className="input" value={effectiveTarget} onChange={(e) => setTarget(e.target.value)} data-testid="event-target">
            <option value="">Everyone ({open.length})</option>
            {open.map((p) => (
              <option key={p.peerId} value={p.peerId}>
                {model.nameOf(p.peerId) ? `${model.nameOf(p.peerId) ?? ''} · ${p.peerId}` : p.peerId}
              </option>
            ))}
          </select>
        </div>
        <Field id={`${id}-name`} className="send-field" label="Event name" error={nameTouched && !nameCheck.ok ? nameCheck.error : null}>
          <TextInput
            id={`${id}-name`}
            value={name}
            placeholder="e.g. chat"
            invalid={nameTouched && !nameCheck.ok}
            testId="event-name"
            onChange={(value) => {
              setName(value);
              setNameTouched(true);
            }}
          />
        </Field>
        <fieldset className="send-field mode-field">
          <legend className="field-label">Data as</legend>
          <div className="segmented">
            {(['text', 'json'] as const).map((m) => (
              <label key={m} className="segment">
                <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} data-testid={`event-mode-${m}`} />
                <span>{m === 'text' ? 'Text' : 'JSON'}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <Field
          id={`${id}-data`}
          className="send-field send-data"
          label={mode === 'text' ? 'Data (text)' : 'Data (JSON value, sent as a variable)'}
          messageTestId="event-data-message"
          error={dataError}
          hint={dataHint}
        >
          <textarea
            id={`${id}-data`}
            className="input mono"
            rows={1}
            value={data}
            placeholder={mode === 'text' ? 'any text' : '{"x": 1, "y": 2}'}
            spellCheck={false}
            aria-invalid={dataError !== null}
            aria-describedby={`${id}-data-msg`}
            data-testid="event-data"
            onChange={(e) => setData(e.target.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter adds a line (multi-line JSON).
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                send();
              }
            }}
          />
        </Field>
        <div className="send-field send-submit">
          <button type="submit" className="btn btn-primary" disabled={!canSend} data-testid="event-send">
            Send
          </button>
        </div>
      </div>
      <p className="send-feedback small muted" role="status" data-testid="event-send-feedback">
        {noPeers ? 'Connect to a peer to send events.' : (feedback ?? '\u00a0')}
      </p>
    </form>
  );
}
