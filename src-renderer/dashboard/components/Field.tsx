import type { ReactNode } from 'react';
import { FieldMessage } from './FieldMessage';

interface Props {
  /** The control's id; its message line is `${id}-msg` (what the control's aria-describedby names). */
  id: string;
  label: ReactNode;
  error: string | null;
  hint?: string;
  /** The wrapper's class: `field` in settings, `send-field …` in the send form. */
  className?: string;
  messageTestId?: string;
  children: ReactNode;
}

/** A labelled control over its message line (error, else hint). */
export function Field({ id, label, error, hint, className = 'field', messageTestId, children }: Props) {
  return (
    <div className={className}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children}
      <FieldMessage id={`${id}-msg`} testId={messageTestId} error={error} hint={hint} />
    </div>
  );
}
