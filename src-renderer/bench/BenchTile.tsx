/**
 * One instance of the bench: a label strip (index, player id, links, RTT,
 * network; reload, kill or rejoin, mute, preset) over the game's frame. The
 * frame is sandboxed: scripts, its own origin's storage and sockets, pointer
 * lock and forms, but no top navigation and no popups that escape the sandbox.
 */
import { memo } from 'react';
import type { GameInstance } from '../../src-preload/game-agent-protocol';
import { describeLinks, describeRtt, linkSummary, medianRtt, presetChoice, presetName, presetPick, type PresetPick } from './model/bench-instances';
import { instanceUrl } from './model/bench-params';
import { colourOf } from './model/bench-timeline';
import type { TileRect } from './model/grid-layout';
import { PresetOptions } from './PresetOptions';

/** Two lines of label above each frame (bench.css sizes .bench-tile-label to it). */
export const TILE_LABEL_HEIGHT = 52;

export const FRAME_SANDBOX = 'allow-scripts allow-same-origin allow-pointer-lock allow-forms';

export interface TileState {
  index: number;
  /** Bumped by reload and rejoin: a new frame (a new page, so a new agent instance). */
  generation: number;
  killed: boolean;
  muted: boolean;
}

export interface TileActions {
  focus(index: number): void;
  reload(index: number): void;
  kill(index: number): void;
  rejoin(index: number): void;
  mute(index: number, muted: boolean): void;
  preset(index: number, preset: PresetPick): void;
  loaded(index: number): void;
  registerFrame(index: number, frame: HTMLIFrameElement | null): void;
}

interface Props {
  tile: TileState;
  rect: TileRect | undefined;
  origin: string;
  query: string;
  benchId: string;
  count: number;
  instance: GameInstance | undefined;
  focused: boolean;
  actions: TileActions;
}

export const BenchTile = memo(function BenchTile({ tile, rect, origin, query, benchId, count, instance, focused, actions }: Props) {
  const { index } = tile;
  const style = rect ? { left: rect.x, top: rect.y, width: rect.width, height: rect.height } : { display: 'none' };
  const summary = instance ? linkSummary(instance) : null;
  const choice = instance ? presetChoice(instance) : 'none';
  const url = instanceUrl(origin, query, { id: benchId, index, count });
  return (
    <section
      className="bench-tile"
      style={{ ...style, ['--instance-colour' as string]: colourOf(index) }}
      data-testid="bench-tile"
      data-index={index}
      data-focused={focused ? 'true' : 'false'}
      data-killed={tile.killed ? 'true' : 'false'}
      data-instance-id={instance?.id}
      aria-label={`Instance ${index}`}
    >
      <div className="bench-tile-label" style={{ height: TILE_LABEL_HEIGHT }}>
        <div className="bench-tile-status" onClick={() => actions.focus(index)}>
          <button type="button" className="bench-tile-index" onClick={() => actions.focus(index)} aria-label={`Focus instance ${index}`} data-testid="tile-focus">
            {index}
          </button>
          <span className="bench-tile-peer" data-testid="tile-peer" title={instance?.peerId ?? undefined}>
            {tile.killed ? 'killed' : (instance?.peerId ?? (instance ? 'no player id yet' : 'loading…'))}
          </span>
          {!tile.killed && summary && (
            <>
              <span className="bench-tile-links" data-testid="tile-links" data-open={summary.open}>
                {describeLinks(summary)}
              </span>
              <span data-testid="tile-rtt">{describeRtt(medianRtt(instance as GameInstance))}</span>
              <span className="bench-tile-network" data-testid="tile-network">
                {presetName(instance as GameInstance)}
              </span>
            </>
          )}
        </div>
        <div className="bench-tile-actions">
          <button type="button" className="btn btn-small btn-ghost" onClick={() => actions.reload(index)} disabled={tile.killed} aria-label={`Reload instance ${index}`} data-testid="tile-reload">
            Reload
          </button>
          {tile.killed ? (
            <button type="button" className="btn btn-small btn-primary" onClick={() => actions.rejoin(index)} aria-label={`Rejoin instance ${index}`} data-testid="tile-rejoin">
              Rejoin
            </button>
          ) : (
            <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => actions.kill(index)} aria-label={`Kill instance ${index}`} data-testid="tile-kill">
              Kill
            </button>
          )}
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => actions.mute(index, !tile.muted)}
            aria-pressed={tile.muted}
            aria-label={`${tile.muted ? 'Unmute' : 'Mute'} instance ${index}`}
            data-testid="tile-mute"
          >
            {tile.muted ? 'Unmute' : 'Mute'}
          </button>
          <select
            className="input bench-select"
            value={choice}
            disabled={!instance || tile.killed}
            onChange={(event) => {
              const pick = presetPick(event.target.value);
              if (pick) actions.preset(index, pick);
            }}
            aria-label={`Network preset of instance ${index}`}
            data-testid="tile-preset"
          >
            <PresetOptions custom={choice === 'custom'} />
          </select>
        </div>
      </div>
      {tile.killed ? (
        <div className="bench-tile-killed" style={{ height: rect?.frameHeight }} data-testid="tile-killed">
          <p>Instance {index} was killed (dropped at once, as a crash would).</p>
          <button type="button" className="btn btn-primary" onClick={() => actions.rejoin(index)} aria-label={`Rejoin instance ${index}`}>
            Rejoin
          </button>
        </div>
      ) : (
        <iframe
          key={tile.generation}
          ref={(frame) => actions.registerFrame(index, frame)}
          className="bench-frame"
          src={url}
          title={`Instance ${index} of ${count}`}
          sandbox={FRAME_SANDBOX}
          allow="autoplay; fullscreen; gamepad"
          style={{ height: rect?.frameHeight }}
          onLoad={() => actions.loaded(index)}
          data-testid="bench-frame"
          data-index={index}
        />
      )}
    </section>
  );
});
