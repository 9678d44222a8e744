interface Props {
  checked: boolean;
  onChange(checked: boolean): void;
  label: string;
  description?: string;
  disabled?: boolean;
  testId?: string;
}

/** An on/off switch: a button with role="switch", so Space and Enter toggle it. */
export function Switch({ checked, onChange, label, description, disabled = false, testId }: Props) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      className="switch"
      onClick={() => onChange(!checked)}
      disabled={disabled}
      data-testid={testId}
      title={description}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-label">{label}</span>
    </button>
  );
}
