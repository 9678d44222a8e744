import { useId, useState } from 'react';
import { InlineForm } from '../components/InlineForm';
import { TextInput } from '../components/TextInput';
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
    <InlineForm id={`${id}-name`} label={label} onSubmit={() => void save()} error={validation.ok ? null : validation.error} hint="Shown to the other players on the LAN">
      <TextInput id={`${id}-name`} className="input" value={value} maxLength={60} autoComplete="nickname" invalid={!validation.ok} testId={`${testId}-input`} onChange={setDraft} />
      <button type="submit" className="btn" disabled={!changed || saving} data-testid={`${testId}-save`}>
        {saving ? 'Saving…' : 'Save'}
      </button>
    </InlineForm>
  );
}
