interface Props {
  id: string;
  error: string | null;
  hint?: string;
  testId?: string;
}

/**
 * The line under an input: its error when invalid, else its hint. The line
 * always takes its space, so an error appearing never moves the layout; it is
 * also the input's description (aria-describedby) and politely announced.
 */
export function FieldMessage({ id, error, hint, testId }: Props) {
  return (
    <p id={id} className={`field-message${error ? ' field-error' : ''}`} data-testid={testId} aria-live="polite">
      {error ?? hint ?? '\u00a0'}
    </p>
  );
}
