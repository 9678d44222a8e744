import { useId, useState } from 'react';
import { describeConditions, NETWORK_PRESETS, NO_DIRECTED_CONDITIONS } from '../../../src-preload/network-conditions';
import { downloadText } from '../components/download-text';
import { EmptyState } from '../components/EmptyState';
import { FieldMessage } from '../components/FieldMessage';
import { Panel } from '../components/Panel';
import { useModel, useStore } from '../model-context';
import { pickPreset } from '../model/conditions-form';
import { formatBytes, formatCount, formatDuration } from '../model/format';
import { traceFileName } from '../model/instance-feed';
import { emptyState, groupByGame, openHint, type GameGroup } from '../model/instances-view';
import { InstanceCard } from './InstanceCard';

/**
 * Every running instance (open page) of every game hosted here, grouped by
 * game: links, RTT, events by name, the network conditions in force and the
 * controls to change them; recording a trace of all their traffic. Control
 * dashboards only: a player's dashboard shows nothing of it.
 */
export function InstancesPanel() {
  const model = useModel();
  const host = useStore(model.host.view);
  const state = useStore(model.instances.state);
  const now = useStore(model.clock);
  if (!host.state?.canControl) return null;

  const groups = groupByGame(state, host.state.games);
  const empty = emptyState(groups);
  const count = state.instances.length;

  return (
    <Panel
      id="instances"
      title="Instances in play"
      className="panel-instances"
      summary={<span data-testid="instances-summary">{count === 1 ? '1 instance' : `${formatCount(count)} instances`}</span>}
    >
      <RecordingBar now={now} />
      {empty?.kind === 'no-games' && (
        <EmptyState title="No game is hosted here" testId="instances-empty">
          Host a game in the Games panel, then open it in two windows: each open page shows up here with its links, RTT and events.
        </EmptyState>
      )}
      {empty?.kind === 'no-instances' && (
        <EmptyState title="No instance open" testId="instances-empty">
          {openHint(empty.games)}
        </EmptyState>
      )}
      {groups
        .filter((group) => empty === null || group.instances.length > 0)
        .map((group) => (
          <GameSection key={group.gameId} group={group} now={now} />
        ))}
    </Panel>
  );
}

function GameSection({ group, now }: { group: GameGroup; now: number }) {
  return (
    <section className="inst-game" data-testid={`instance-game-${group.gameId}`} aria-label={`Instances of ${group.name}`}>
      <div className="inst-game-head">
        <h3 className="subheading">
          {group.name} <span className="count">{group.instances.length}</span>
        </h3>
        {!group.hosted && <span className="tag">no longer hosted</span>}
        {group.hosted && group.instances.length > 0 && <GamePreset group={group} />}
      </div>
      {group.instances.length === 0 ? (
        <p className="small muted" data-testid="instance-game-empty">
          {openHint([group.name])}
        </p>
      ) : (
        <ul className="inst-list">
          {group.instances.map((instance) => (
            <InstanceCard key={instance.id} instance={instance} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One preset for every instance of the game, those open now and those opened later. */
function GamePreset({ group }: { group: GameGroup }) {
  const model = useModel();
  const id = useId();
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (): Promise<void> => {
    const preset = choice === 'none' ? 'none' : pickPreset(choice);
    if (preset === null) {
      setError('Choose a preset first');
      return;
    }
    setBusy(true);
    setError(await model.instances.applyPreset({ gameId: group.gameId }, preset, NO_DIRECTED_CONDITIONS));
    setBusy(false);
  };

  return (
    <div className="inst-game-preset">
      <label htmlFor={`${id}-preset`} className="visually-hidden">
        One network preset for every instance of {group.name}
      </label>
      <select
        id={`${id}-preset`}
        className="input"
        value={choice}
        onChange={(e) => {
          setChoice(e.target.value);
          setError(null);
        }}
        aria-describedby={`${id}-message`}
        data-testid={`instance-game-${group.gameId}-preset`}
      >
        <option value="">Every instance: choose a preset…</option>
        <option value="none">None (no added delay)</option>
        {NETWORK_PRESETS.map((preset) => (
          <option key={preset.id} value={preset.id}>
            {preset.label}: {describeConditions(preset.conditions)} each way
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" disabled={busy || choice === ''} onClick={() => void apply()} data-testid={`instance-game-${group.gameId}-apply`}>
        Apply to all
      </button>
      <FieldMessage id={`${id}-message`} error={error} />
    </div>
  );
}

/** Start/Stop a trace of every instance's traffic, its live size, and its download as JSONL. */
function RecordingBar({ now }: { now: number }) {
  const model = useModel();
  const { recording } = useStore(model.instances.state);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hasTrace, setHasTrace] = useState(false);

  const run = async (action: () => Promise<string | null>): Promise<string | null> => {
    setBusy(true);
    const problem = await action();
    setBusy(false);
    setError(problem);
    return problem;
  };

  const download = async (): Promise<void> => {
    setBusy(true);
    const trace = await model.instances.trace();
    setBusy(false);
    if (!trace.ok) setError(`Could not download the trace: ${trace.error}`);
    else downloadText(traceFileName(new Date()), trace.text);
  };

  return (
    <div className="inst-record" data-testid="recording">
      {recording ? (
        <>
          <span className="rec-dot" aria-hidden="true" />
          <span className="small" role="status" data-testid="recording-status">
            Recording for {formatDuration(now - recording.startedAt)}: <span data-testid="recording-lines">{formatCount(recording.lines)}</span> lines ·{' '}
            <span data-testid="recording-bytes">{formatBytes(recording.bytes)}</span>
            {recording.truncated ? ' · full: later events are not recorded' : ''}
            {recording.file ? ` · also written to ${recording.file}` : ''}
          </span>
        </>
      ) : (
        <span className="small muted">Record every instance's traffic as JSONL: time, instance, direction, peer, event, size, data, conditions.</span>
      )}
      <button
        type="button"
        className={recording ? 'btn btn-small btn-primary' : 'btn btn-small'}
        disabled={busy}
        onClick={() => void run(() => (recording ? model.instances.stopRecording() : model.instances.startRecording())).then((problem) => setHasTrace(hasTrace || problem === null))}
        data-testid={recording ? 'recording-stop' : 'recording-start'}
      >
        {recording ? 'Stop recording' : 'Start recording'}
      </button>
      <button type="button" className="btn btn-small" disabled={busy || (!recording && !hasTrace)} onClick={() => void download()} data-testid="recording-download">
        Download .jsonl
      </button>
      {error && (
        <p className="field-message field-error" role="alert" data-testid="recording-error">
          {error}
        </p>
      )}
    </div>
  );
}
