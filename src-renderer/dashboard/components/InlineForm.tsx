import type { ReactNode } from 'react';
import { FieldMessage } from './FieldMessage';

interface Props {
  /** The field's id; its message line is `${id}-msg`. */
  id: string;
  label: ReactNode;
  onSubmit(): void;
  error: string | null;
  hint?: string;
  messageTestId?: string;
  /** The field and its button(s), on one row. */
  children: ReactNode;
}

/** A one-field form: its label above, the field and its button on one row, the field's message line below. */
export function InlineForm({ id, label, onSubmit, error, hint, messageTestId, children }: Props) {
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="inline-row">{children}</div>
      <FieldMessage id={`${id}-msg`} testId={messageTestId} error={error} hint={hint} />
    </form>
  );
}
