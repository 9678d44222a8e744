/**
 * The test bench: N instances of one hosted game, each in a sandboxed frame
 * on the game's origin, tiled to fit the window beside the combined event
 * timeline. Which tile is which, the grid's geometry and the timeline are
 * computed in model/ (pure, unit-tested); this component keeps the per-tile
 * state (reload generation, killed, muted) and the focus.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { BenchParentMessage } from '../../src-preload/game-agent-protocol';
import { EmptyState } from '../dashboard/components/EmptyState';
import { gameOrigin, type BenchParams } from './model/bench-params';
import type { PresetPick } from './model/bench-instances';
import type { BenchSession } from './model/bench-session';
import { cycleFocus, parseFrameMessage } from './model/focus-cycle';
import { DEFAULT_ASPECT, layoutGrid, sanitizeAspect, type Size } from './model/grid-layout';
import { BenchTile, TILE_LABEL_HEIGHT, type TileState } from './BenchTile';
import { BenchToolbar } from './BenchToolbar';
import { BenchTimelinePanel } from './BenchTimelinePanel';

const GRID_GAP = 8;

interface Props {
  session: BenchSession;
  params: BenchParams;
}

export function BenchApp({ session, params }: Props) {
  const view = useSyncExternalStore(session.view.subscribe, session.view.get);
  const game = params.gameId === null ? undefined : view.host?.games.find((g) => g.id === params.gameId);

  useEffect(() => {
    document.title = game ? `${game.name}: test bench (${params.count}) · LAN Party` : 'Test bench · LAN Party';
  }, [game, params.count]);

  if (params.gameId === null) {
    return (
      <Problem title="No game to test">
        This address names no hosted game. Open the bench from the Games panel of the <a href="./index.html">dashboard</a> ("Test with N players").
      </Problem>
    );
  }
  if (!view.host) {
    return (
      <div className="bench-loading">
        <EmptyState title={view.problem ?? 'Connecting to the LAN Party host…'} busy={view.problem === null} testId="bench-loading" />
      </div>
    );
  }
  if (!game) {
    return (
      <Problem title="This game is not hosted here (any more)">
        The game <code>{params.gameId}</code> is not hosted by this LAN Party: it was stopped, or the host restarted. Host it again from the{' '}
        <a href="./index.html">dashboard</a>, then open the bench from its Games panel.
      </Problem>
    );
  }
  return <Bench session={session} params={params} origin={gameOrigin(window.location, game.port)} gameName={game.name} problem={view.problem} />;
}

function Problem({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="bench-loading" data-testid="bench-problem">
      <EmptyState title={title}>{children}</EmptyState>
    </main>
  );
}

interface BenchProps {
  session: BenchSession;
  params: BenchParams;
  origin: string;
  gameName: string;
  problem: string | null;
}

function initialTiles(count: number): TileState[] {
  return Array.from({ length: count }, (_, k) => ({ index: k + 1, generation: 0, killed: false, muted: false }));
}

function Bench({ session, params, origin, gameName, problem }: BenchProps) {
  const view = useSyncExternalStore(session.view.subscribe, session.view.get);
  const [tiles, setTiles] = useState(() => initialTiles(params.count));
  const [aspect, setAspect] = useState(DEFAULT_ASPECT);
  const [focused, setFocused] = useState<number | null>(null);
  const [area, setArea] = useState<Size>({ width: 0, height: 0 });
  const frames = useRef(new Map<number, HTMLIFrameElement>());
  const lastFocused = useRef<number | null>(null);
  const aspectKnown = useRef(false);
  const gridRef = useRef<HTMLDivElement | null>(null);
  // What event handlers read of the tiles (kept current after each render, never written during one).
  const tilesRef = useRef(tiles);
  useLayoutEffect(() => {
    tilesRef.current = tiles;
  }, [tiles]);

  // The grid area follows the window (and the timeline's width).
  useEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    const measure = (): void => setArea({ width: grid.clientWidth, height: grid.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(grid);
    return () => observer.disconnect();
  }, []);

  const layout = useMemo(() => layoutGrid(params.count, aspect, area, { gap: GRID_GAP, labelHeight: TILE_LABEL_HEIGHT }), [params.count, aspect, area]);

  const liveIndexes = useCallback(() => tilesRef.current.filter((t) => !t.killed).map((t) => t.index), []);

  const focusTile = useCallback((index: number | null) => {
    if (index === null) return;
    const frame = frames.current.get(index);
    if (!frame) return;
    lastFocused.current = index;
    frame.focus();
    frame.contentWindow?.focus();
    setFocused(index);
  }, []);

  // Which frame has the focus: the document's active element once the window lost it to a frame.
  useEffect(() => {
    const check = (): void => {
      const active = document.activeElement;
      let index: number | null = null;
      for (const [i, frame] of frames.current) if (frame === active) index = i;
      if (index !== null) lastFocused.current = index;
      setFocused(index);
    };
    const onBlur = (): void => void setTimeout(check, 0);
    const onFocus = (): void => setFocused(null);
    window.addEventListener('blur', onBlur);
    window.addEventListener('focus', onFocus);
    // A click from one frame into another moves the focus with no event in this document: look every 200 ms (a compare, nothing more).
    const timer = setInterval(check, 200);
    return () => {
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('focus', onFocus);
      clearInterval(timer);
    };
  }, []);

  // F8 / Shift+F8 with the bench itself focused (inside a frame, the agent sends focus-next / focus-previous).
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'F8') return;
      event.preventDefault();
      focusTile(cycleFocus(lastFocused.current, liveIndexes(), event.shiftKey ? -1 : 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focusTile, liveIndexes]);

  // Messages from the instance frames: only from one of our frames, only the bench's shapes.
  useEffect(() => {
    const onMessage = (event: MessageEvent): void => {
      if (event.origin !== origin) return;
      let from: number | null = null;
      for (const [i, frame] of frames.current) if (frame.contentWindow === event.source) from = i;
      if (from === null) return;
      const request = parseFrameMessage(event.data);
      if (request?.kind === 'focus') focusTile(cycleFocus(from, liveIndexes(), request.direction));
      else if (request?.kind === 'size' && !aspectKnown.current) {
        // The first size reported sets every tile's ratio: the instances are the same game.
        aspectKnown.current = true;
        setAspect(sanitizeAspect(request.width, request.height));
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, focusTile, liveIndexes]);

  const post = useCallback(
    (index: number, message: BenchParentMessage) => {
      frames.current.get(index)?.contentWindow?.postMessage(message, origin);
    },
    [origin],
  );

  const change = useCallback((index: number, patch: (tile: TileState) => Partial<TileState>) => {
    setTiles((current) => current.map((tile) => (tile.index === index ? { ...tile, ...patch(tile) } : tile)));
  }, []);

  const actions = useMemo(
    () => ({
      focus: focusTile,
      reload: (index: number) => change(index, (t) => ({ generation: t.generation + 1 })),
      kill: (index: number) => change(index, () => ({ killed: true })),
      rejoin: (index: number) => change(index, (t) => ({ killed: false, generation: t.generation + 1 })),
      mute: (index: number, muted: boolean) => {
        change(index, () => ({ muted }));
        post(index, { lanParty: 'mute', muted });
      },
      preset: (index: number, preset: PresetPick) => void session.setPreset(index, preset),
      // A frame (re)loaded: it starts unmuted, so tell it again when its tile is muted.
      loaded: (index: number) => {
        if (tilesRef.current.find((t) => t.index === index)?.muted) post(index, { lanParty: 'mute', muted: true });
      },
      registerFrame: (index: number, frame: HTMLIFrameElement | null) => {
        if (frame) frames.current.set(index, frame);
        else frames.current.delete(index);
      },
    }),
    [focusTile, change, post, session],
  );

  const allMuted = tiles.every((t) => t.muted);

  return (
    <div className="bench" data-testid="bench" data-bench-id={session.benchId}>
      <BenchToolbar
        gameName={gameName}
        count={params.count}
        countNote={params.countNote}
        problem={problem}
        allMuted={allMuted}
        onReloadAll={() => setTiles((current) => current.map((t) => (t.killed ? t : { ...t, generation: t.generation + 1 })))}
        onMuteAll={() => {
          const muted = !allMuted;
          setTiles((current) => current.map((t) => ({ ...t, muted })));
          for (const tile of tiles) post(tile.index, { lanParty: 'mute', muted });
        }}
        onPresetAll={(preset) => void session.setPresetAll(tiles.map((t) => t.index), preset)}
      />
      <div className="bench-body">
        <div className="bench-grid" ref={gridRef} data-testid="bench-grid" data-columns={layout.columns}>
          {tiles.map((tile, k) => (
            <BenchTile
              key={tile.index}
              tile={tile}
              rect={layout.tiles[k]}
              origin={origin}
              query={params.query}
              benchId={session.benchId}
              count={params.count}
              instance={view.instances.get(tile.index)}
              focused={focused === tile.index}
              actions={actions}
            />
          ))}
        </div>
        <BenchTimelinePanel session={session} count={params.count} />
      </div>
    </div>
  );
}
