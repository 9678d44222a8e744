/** The bench's header: what is running, the bench-wide controls, and any note or problem. */
import { useId, useState } from 'react';
import { presetPick, type PresetPick } from './model/bench-instances';
import { PresetOptions } from './PresetOptions';

interface Props {
  gameName: string;
  count: number;
  countNote: string | null;
  problem: string | null;
  allMuted: boolean;
  onReloadAll(): void;
  onMuteAll(): void;
  onPresetAll(preset: PresetPick): void;
}

export function BenchToolbar({ gameName, count, countNote, problem, allMuted, onReloadAll, onMuteAll, onPresetAll }: Props) {
  const presetId = useId();
  const [preset, setPreset] = useState<PresetPick>('none');
  return (
    <header className="bench-bar">
      <div className="bench-title">
        <h1>
          {gameName} <span className="muted">· test bench · {count} players</span>
        </h1>
        <span className="small muted">F8 / Shift+F8: focus the next / previous instance</span>
      </div>
      <div className="bench-bar-actions" role="group" aria-label="Every instance">
        <button type="button" className="btn btn-small" onClick={onReloadAll} data-testid="bench-reload-all">
          Reload all
        </button>
        <button type="button" className="btn btn-small" onClick={onMuteAll} aria-pressed={allMuted} data-testid="bench-mute-all">
          {allMuted ? 'Unmute all' : 'Mute all'}
        </button>
        <label htmlFor={presetId} className="small muted">
          Network for all
        </label>
        <select
          id={presetId}
          className="input bench-select"
          value={preset}
          onChange={(event) => {
            const pick = presetPick(event.target.value);
            if (!pick) return;
            setPreset(pick);
            onPresetAll(pick);
          }}
          data-testid="bench-preset-all"
        >
          <PresetOptions />
        </select>
        <a className="btn btn-small btn-ghost" href="./index.html">
          Dashboard
        </a>
      </div>
      {(countNote || problem) && (
        <div className="bench-notes">
          {countNote && (
            <p className="bench-note" role="status" data-testid="bench-count-note">
              {countNote}
            </p>
          )}
          {problem && (
            <p className="bench-note bench-note-problem" role="alert" data-testid="bench-session-problem">
              {problem}
            </p>
          )}
        </div>
      )}
    </header>
  );
}
