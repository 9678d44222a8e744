import type { InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'aria-invalid' | 'aria-describedby'> & {
  id: string;
  invalid: boolean;
  onChange(value: string): void;
  testId?: string;
};

/**
 * A text field for what is typed exactly (an id, a name, a code, a path):
 * monospace, no spell check or autofill unless given, described by its
 * FieldMessage (`${id}-msg`).
 */
export function TextInput({ id, invalid, onChange, testId, className = 'input mono', ...rest }: Props) {
  return (
    <input
      id={id}
      className={className}
      spellCheck={false}
      autoComplete="off"
      {...rest}
      aria-invalid={invalid}
      aria-describedby={`${id}-msg`}
      data-testid={testId}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
