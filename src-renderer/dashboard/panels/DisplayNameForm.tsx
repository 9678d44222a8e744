import { useId, useState } from 'react';
import { FieldMessage } from '../components/FieldMessage';
import { useModel } from '../model-context';
import { validateDisplayName } from '../model/validation';

interface Props {
  current: string;
  testId: string;
  label?: string;
}

/** Edits the display name in place, validated as you type with the contract's rule. */
export function DisplayNameForm({ current, testId, label = 'Display name' }: Props) {
  const model = useModel();
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const value = draft ?? current;
  const validation = validateDisplayName(value);
  const changed = validation.ok && validation.value !== current;

  const save = async (): Promise<void> => {
    if (!validation.ok || !changed) return;
    setSaving(true);
    const ok = await model.setDisplayName(validation.value);
    setSaving(false);
    if (ok) setDraft(null);
  };

  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`${id}-name`} className="field-label">
        {label}
      </label>
      <div className="inline-row">
        <input
          id={`${id}-name`}
          className="input"
          value={value}
          maxLength={60}
          autoComplete="nickname"
          spellCheck={false}
          aria-invalid={!validation.ok}
          aria-describedby={`${id}-msg`}
          data-testid={`${testId}-input`}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="btn" disabled={!changed || saving} data-testid={`${testId}-save`}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      <FieldMessage id={`${id}-msg`} error={validation.ok ? null : validation.error} hint="Shown to the other players on the LAN" />
    </form>
  );
}
