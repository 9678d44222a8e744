import { useId, useState, type FormEvent } from 'react';
import { describeConditions, NETWORK_PRESETS, type DirectedConditions } from '../../../src-preload/network-conditions';
import { FieldMessage } from '../components/FieldMessage';
import { useModel } from '../model-context';
import { fieldsOf, parseFields, parseSpike, pickPreset, presetOf, type ConditionsFields } from '../model/conditions-form';
import type { ConditionsTarget } from '../model/instance-feed';

interface Props {
  target: ConditionsTarget;
  /** The conditions in force on the target. */
  current: DirectedConditions;
  /** What the target is called in labels ("instance abc123", "link to xyz"). */
  name: string;
  /** Lag spikes apply to a whole instance (the agent's spike is per instance). */
  allowSpike: boolean;
  /** data-testid prefix, e.g. "instance-<id>" or "instance-link-<id>-<link>". */
  testId: string;
}

/**
 * Network conditioning of one instance or one link: a preset (with its
 * figures), custom figures per direction, a lag spike, and Cut / Restore.
 * Every change goes to the host, which tells the instance's agent; what the
 * row shows as "in force" is the host's state, never this form's.
 */
export function ConditionsEditor({ target, current, name, allowSpike, testId }: Props) {
  const model = useModel();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = presetOf(current);

  const run = async (action: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setError(await action());
    setBusy(false);
  };

  const onPreset = (value: string): void => {
    const preset = value === 'none' ? 'none' : pickPreset(value);
    if (preset === null) return;
    void run(() => model.instances.applyPreset(target, preset, current));
  };

  return (
    <div className="cond-editor" data-testid={`${testId}-conditioning`}>
      <div className="cond-row">
        <label className="cond-field" htmlFor={`${id}-preset`}>
          <span className="field-label">Network</span>
          <select
            id={`${id}-preset`}
            className="input cond-preset"
            value={chosen}
            disabled={busy}
            onChange={(event) => onPreset(event.target.value)}
            aria-describedby={`${id}-message`}
            data-testid={`${testId}-preset`}
          >
            <option value="none">None (no added delay)</option>
            {NETWORK_PRESETS.map((preset) => (
              <option key={preset.id} value={preset.id}>
                {preset.label}: {describeConditions(preset.conditions)} each way
              </option>
            ))}
            {chosen === 'custom' && (
              <option value="custom" disabled>
                Custom figures
              </option>
            )}
          </select>
        </label>
        <button
          type="button"
          className={`btn btn-small cond-cut${current.cut ? ' btn-primary' : ''}`}
          aria-pressed={current.cut}
          disabled={busy}
          onClick={() => void run(() => model.instances.setCut(target, current, !current.cut))}
          title={current.cut ? `Let traffic of ${name} pass again` : `Nothing passes either way, like a pulled cable, until restored`}
          data-testid={`${testId}-cut`}
        >
          {current.cut ? 'Restore' : 'Cut'}
        </button>
      </div>
      <details className="cond-more">
        <summary>Custom figures{allowSpike ? ', lag spike' : ''}</summary>
        <CustomForm key={JSON.stringify(current)} current={current} busy={busy} testId={testId} onApply={(next) => run(() => model.instances.setConditions(target, next))} />
        {allowSpike && <SpikeForm busy={busy} testId={testId} onSpike={(ms, forMs) => run(() => model.instances.spike(target, ms, forMs))} onInvalid={setError} />}
      </details>
      <FieldMessage id={`${id}-message`} error={error} testId={`${testId}-conditioning-message`} />
    </div>
  );
}

const DIRECTIONS = [
  { key: 'up', label: 'Up (sent)' },
  { key: 'down', label: 'Down (received)' },
] as const;

const FIELDS: { key: keyof ConditionsFields; label: string; unit: string }[] = [
  { key: 'latency', label: 'Latency', unit: 'ms' },
  { key: 'jitter', label: 'Jitter ±', unit: 'ms' },
  { key: 'loss', label: 'Loss', unit: '%' },
  { key: 'bandwidth', label: 'Bandwidth', unit: 'kbit/s' },
];

function CustomForm({
  current,
  busy,
  testId,
  onApply,
}: {
  current: DirectedConditions;
  busy: boolean;
  testId: string;
  onApply: (next: DirectedConditions) => Promise<void>;
}) {
  const id = useId();
  const [fields, setFields] = useState({ up: fieldsOf(current.up), down: fieldsOf(current.down) });
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const up = parseFields(fields.up, 'up');
    const down = parseFields(fields.down, 'down');
    if (!up.ok || !down.ok) {
      setError(!up.ok ? up.error : !down.ok ? down.error : null);
      return;
    }
    setError(null);
    void onApply({ up: up.value, down: down.value, cut: current.cut });
  };

  return (
    <form className="cond-custom" onSubmit={submit} aria-label="Custom network figures">
      {DIRECTIONS.map((direction) => (
        <fieldset key={direction.key} className="cond-direction">
          <legend className="field-label">{direction.label}</legend>
          {FIELDS.map((field) => (
            <NumberField
              key={field.key}
              id={`${id}-${direction.key}-${field.key}`}
              label={field.label}
              unit={field.unit}
              inputMode="decimal"
              value={fields[direction.key][field.key]}
              placeholder={field.key === 'bandwidth' ? 'no cap' : '0'}
              invalid={error !== null}
              describedBy={`${id}-message`}
              testId={`${testId}-${direction.key}-${field.key}`}
              onChange={(value) => {
                setFields((f) => ({ ...f, [direction.key]: { ...f[direction.key], [field.key]: value } }));
                setError(null);
              }}
            />
          ))}
        </fieldset>
      ))}
      <div className="cond-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy} data-testid={`${testId}-custom-apply`}>
          Apply
        </button>
      </div>
      <FieldMessage id={`${id}-message`} error={error} hint="Empty bandwidth: no cap. Loss on a reliable channel becomes retransmission delay." />
    </form>
  );
}

function SpikeForm({
  busy,
  testId,
  onSpike,
  onInvalid,
}: {
  busy: boolean;
  testId: string;
  onSpike: (ms: number, forMs: number) => Promise<void>;
  onInvalid: (error: string) => void;
}) {
  const id = useId();
  const [ms, setMs] = useState('500');
  const [seconds, setSeconds] = useState('3');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const spike = parseSpike(ms, seconds);
    if (!spike.ok) onInvalid(spike.error);
    else void onSpike(spike.value.ms, spike.value.forMs);
  };

  return (
    <form className="cond-spike" onSubmit={submit} aria-label="Lag spike">
      <NumberField id={`${id}-ms`} label="Spike" unit="ms" inputMode="numeric" value={ms} onChange={setMs} testId={`${testId}-spike-ms`} />
      <NumberField id={`${id}-s`} label="for" unit="s" inputMode="decimal" value={seconds} onChange={setSeconds} testId={`${testId}-spike-s`} />
      <button type="submit" className="btn btn-small" disabled={busy} data-testid={`${testId}-spike`}>
        Lag spike
      </button>
    </form>
  );
}

interface NumberFieldProps {
  id: string;
  label: string;
  unit: string;
  inputMode: 'numeric' | 'decimal';
  value: string;
  onChange(value: string): void;
  testId: string;
  placeholder?: string;
  invalid?: boolean;
  /** The form's message line, when it has one. */
  describedBy?: string;
}

/** A figure with its name and unit; the label wraps the input, so its accessible name is e.g. "Latency ms". */
function NumberField({ id, label, unit, inputMode, value, onChange, testId, placeholder, invalid, describedBy }: NumberFieldProps) {
  return (
    <label className="cond-number" htmlFor={id}>
      <span>
        {label} <span className="muted">{unit}</span>
      </span>
      <input
        id={id}
        className="input"
        inputMode={inputMode}
        value={value}
        placeholder={placeholder}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}
