import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { downloadText } from '../components/download-text';
import { EmptyState } from '../components/EmptyState';
import { useModel, useStore } from '../model-context';
import { dataFileName, DISPLAY_KIB } from '../model/event-data';
import { EVENT_DATA_BUDGET } from '../model/event-feed';
import { isTruncated, matchesFilter, matchesSource, type LoggedEvent } from '../model/event-ring';
import { formatBinaryBytes, formatClock, formatCount } from '../model/format';
import { instanceLabel, linkPeer, sourceOptions } from '../model/instances-view';

/** Fixed row height: the virtualizer computes positions instead of measuring thousands of rows. */
const ROW_HEIGHT = 26;
/** Characters of data rendered per row (the kept display copy is up to 4 KiB; the row shows its start). */
const DATA_PREVIEW = 240;

/**
 * The received/sent events, live. Only the visible rows exist in the DOM
 * (virtualized), the model publishes at most once per animation frame, and
 * the history is bounded; the list follows the newest event until the user
 * scrolls up, and then stays put while older entries are evicted (the
 * virtualizer's end anchoring, keyed by sequence number).
 *
 * Rows have one fixed height, so positions are computed, never measured.
 *
 * Large events show their size and the start of their data; their full data
 * downloads from the row while the console's byte budget keeps it.
 */
export function EventLog() {
  const model = useModel();
  const view = useStore(model.events.view);
  const host = useStore(model.host.view);
  const instances = useStore(model.instances.state);
  const id = useId();
  const [filter, setFilter] = useState('');
  /** '' = every source, 'self' = this dashboard's engine, else a game instance's id. */
  const [source, setSource] = useState('');
  const [follow, setFollow] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const needle = filter.trim().toLowerCase();
  const ring = model.events.ring;

  // Sender names from the LAN list (peer id -> instance name), rebuilt only when the LAN changes.
  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const instance of host.state?.lan.instances ?? []) if (instance.peerId) map.set(instance.peerId, instance.name);
    return map;
  }, [host.state?.lan.instances]);

  // Game instances by id for the rows' instance tag, and their links' peers: an event that arrived
  // before its link was listed holds the link id (see peerOfLink) and is named once the link is known.
  const instanceInfo = useMemo<InstanceInfo>(() => {
    const names = new Map<string, string>();
    const linkPeers = new Map<string, string>();
    for (const i of instances.instances) {
      names.set(i.id, `${i.gameName}: ${instanceLabel(i)}`);
      for (const link of i.links) linkPeers.set(`${i.id}\n${link.id}`, linkPeer(link));
    }
    return { names, linkPeers };
  }, [instances.instances]);
  const sources = useMemo(() => {
    const options = sourceOptions(instances);
    // A closed instance stays selectable while it is the filter, so its events stay readable.
    if (source !== '' && !options.some((o) => o.value === source)) options.push({ value: source, label: `instance ${source.slice(0, 6)} (closed)` });
    return options;
  }, [instances, source]);

  // With a filter, the matching sequence numbers; without one, the whole window (no work per event).
  const filtered = useMemo(() => {
    if (needle === '' && source === '') return null;
    const out: number[] = [];
    const nameOf = (peer: string): string | null => names.get(peer) ?? null;
    for (let seq = view.firstSeq; seq < view.nextSeq; seq += 1) {
      const entry = ring.at(seq);
      if (entry && matchesSource(entry, source) && matchesFilter(entry, needle, nameOf)) out.push(seq);
    }
    return out;
  }, [needle, source, view.firstSeq, view.nextSeq, ring, names]);

  const count = filtered ? filtered.length : view.nextSeq - view.firstSeq;
  const seqAt = (index: number): number => (filtered ? (filtered[index] ?? -1) : view.firstSeq + index);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // Keys are sequence numbers: when the oldest entries are evicted, the rows the user reads keep their identity.
    getItemKey: seqAt,
    overscan: 12,
    // Scrolled up: hold the rows being read in place while older ones are evicted above them.
    anchorTo: follow ? 'start' : 'end',
    // Following: render the newest rows now. The virtualizer's own range trails the scroll event by a
    // frame, and at 5,000 events/s a frame's worth of rows is taller than the whole view.
    rangeExtractor: (range) => {
      if (!follow) return defaultRangeExtractor(range);
      const visible = range.endIndex - range.startIndex + 1;
      const start = Math.max(0, range.count - visible - range.overscan);
      return Array.from({ length: range.count - start }, (_, i) => start + i);
    },
  });

  useLayoutEffect(() => {
    // Following: the newest row at the bottom, before this frame is painted.
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [follow, count, view.nextSeq]);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const kept = view.nextSeq - view.firstSeq;
  const download = (seq: number): void => {
    const entry = ring.at(seq);
    const full = ring.fullData(seq);
    // Evicted since the row was drawn: nothing to save, and the next frame shows the row as gone.
    if (!entry || full === null) return;
    downloadText(dataFileName(entry.name, seq), full);
  };
  return (
    <div className="event-log">
      <div className="log-toolbar">
        <label htmlFor={`${id}-filter`} className="visually-hidden">
          Filter events by name or sender
        </label>
        <input
          id={`${id}-filter`}
          className="input log-filter"
          type="search"
          value={filter}
          placeholder="Filter by event name or sender"
          spellCheck={false}
          data-testid="event-filter"
          onChange={(e) => setFilter(e.target.value)}
        />
        {host.state?.canControl && (
          <>
            <label htmlFor={`${id}-source`} className="visually-hidden">
              Show events of
            </label>
            <select id={`${id}-source`} className="input log-source" value={source} onChange={(e) => setSource(e.target.value)} data-testid="event-source-filter">
              {sources.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </>
        )}
        <button
          type="button"
          className={`btn btn-small${view.paused ? ' btn-primary' : ''}`}
          aria-pressed={view.paused}
          onClick={() => model.events.setPaused(!view.paused)}
          data-testid="event-pause"
        >
          {view.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => model.events.clear()} disabled={kept === 0} data-testid="event-clear">
          Clear
        </button>
        <span className="log-stats num" aria-live="off">
          <span data-testid="event-received">{formatCount(view.received)}</span> received · {formatCount(view.rate)}/s ·{' '}
          {view.fromGames > 0 && (
            <>
              <span data-testid="event-from-games" title={view.gamesDropped > 0 ? `${formatCount(view.gamesDropped)} more were left out by the host (over its bound per push)` : undefined}>
                {formatCount(view.fromGames)}
              </span>{' '}
              from games ·{' '}
            </>
          )}
          {filtered ? `${formatCount(filtered.length)} of ${formatCount(kept)} shown` : `${formatCount(kept)} kept`} ·{' '}
          <span data-testid="event-kept-bytes" title={`Event data kept (at most ${formatBinaryBytes(EVENT_DATA_BUDGET)}; older events keep their first ${DISPLAY_KIB} KiB)`}>
            {formatBinaryBytes(view.keptBytes)}
          </span>
        </span>
      </div>
      {/* Same line, same height, paused or not: pausing never moves the list. */}
      <p className={`log-status small${view.paused ? ' log-status-paused' : ''}`} role="status" data-testid="event-paused">
        {view.paused
          ? `Paused: new events are not recorded (${formatCount(view.skipped)} skipped). Resume to record again.`
          : `Recording. Scroll up to stop following; the newest events are kept, up to ${formatCount(ring.capacity)} and ${formatBinaryBytes(EVENT_DATA_BUDGET)} of data.`}
      </p>
      <div className="log-head" aria-hidden="true">
        <span>Time</span>
        <span />
        <span>Peer</span>
        <span>Event</span>
        <span>Data</span>
      </div>
      <div
        ref={scroller}
        className="log-scroller"
        onScroll={onScroll}
        tabIndex={0}
        role={count === 0 ? undefined : 'list'}
        aria-label={`Events, ${formatCount(count)} shown`}
        data-testid="event-log"
      >
        {count === 0 ? (
          <EmptyState title={filtered ? 'No event matches the filter' : 'No events yet'} testId="event-log-empty">
            {filtered
              ? 'Clear the filter or choose "All sources" to see every event.'
              : 'Events you send and receive appear here as they happen, and those of the game instances hosted here.'}
          </EmptyState>
        ) : (
          <div className="log-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <EventRow key={item.key} entry={ring.at(seqAt(item.index))} top={item.start} names={names} instanceInfo={instanceInfo} onDownload={download} />
            ))}
          </div>
        )}
      </div>
      {!follow && count > 0 && (
        <button
          type="button"
          className="btn btn-small jump-latest"
          onClick={() => {
            setFollow(true);
            const el = scroller.current;
            if (el) el.scrollTop = el.scrollHeight;
          }}
        >
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}

interface EventRowProps {
  entry: LoggedEvent | undefined;
  top: number;
  names: ReadonlyMap<string, string>;
  instanceInfo: InstanceInfo;
  onDownload: (seq: number) => void;
}

interface InstanceInfo {
  /** Game instance id -> "Game: peer id". */
  names: ReadonlyMap<string, string>;
  /** "<instance id>\n<link id>" -> the link's remote peer. */
  linkPeers: ReadonlyMap<string, string>;
}

function EventRow({ entry, top, names, instanceInfo, onDownload }: EventRowProps) {
  if (!entry) {
    return <div className="log-row log-row-gone" role="listitem" style={{ transform: `translateY(${top}px)` }} />;
  }
  const peer =
    entry.instance !== ''
      ? (instanceInfo.linkPeers.get(`${entry.instance}\n${entry.peer}`) ?? entry.peer)
      : entry.direction === 'out' && entry.peer === ''
        ? 'all peers'
        : entry.peer;
  const peerName = peer ? (names.get(peer) ?? null) : null;
  const truncated = isTruncated(entry);
  const preview = entry.display.length > DATA_PREVIEW || truncated ? `${entry.display.slice(0, DATA_PREVIEW)}…` : entry.display;
  return (
    <div className={`log-row log-${entry.direction}`} role="listitem" data-testid="event-row" style={{ transform: `translateY(${top}px)` }}>
      <span className="log-time num">{formatClock(entry.at)}</span>
      <span className="log-dir" title={entry.direction === 'in' ? 'received' : 'sent'}>
        {entry.direction === 'in' ? '←' : '→'}
        <span className="visually-hidden">{entry.direction === 'in' ? 'received from' : 'sent to'}</span>
      </span>
      <span className="log-peer" data-testid="event-sender" title={peerName ? `${peerName} (${peer})` : peer}>
        {entry.instance !== '' && <InstanceTag entry={entry} instanceNames={instanceInfo.names} />}
        {peerName && <span className="log-peer-name">{peerName} </span>}
        {peer}
      </span>
      <span className="log-name" data-testid="event-name-cell" title={entry.name}>
        {entry.name}
      </span>
      <span className={`log-data${truncated ? ' log-data-large' : ''}`} data-testid="event-data-cell" title={entry.display.slice(0, 2_000)}>
        {truncated ? (
          <>
            <span className="log-data-text">{preview}</span>
            <LargeData entry={entry} onDownload={onDownload} />
          </>
        ) : (
          preview
        )}
      </span>
    </div>
  );
}

/** Which game instance an event belongs to: the instance's own side of the link ("dots: abc →"). */
function InstanceTag({ entry, instanceNames }: { entry: LoggedEvent; instanceNames: ReadonlyMap<string, string> }) {
  const name = instanceNames.get(entry.instance) ?? `instance ${entry.instance.slice(0, 6)}`;
  return (
    <span className="log-instance" data-testid="event-instance" data-instance-id={entry.instance} title={`Game instance ${name}`}>
      {name} {entry.direction === 'in' ? '←' : '→'}{' '}
    </span>
  );
}

/** A truncated event's size, and its download while the full data is kept ("full data gone" after). */
function LargeData({ entry, onDownload }: { entry: LoggedEvent; onDownload: (seq: number) => void }) {
  const size = formatBinaryBytes(entry.bytes);
  return (
    <>
      <span className="log-size" data-testid="event-size" title={`The data is ${size}; the console keeps its first ${DISPLAY_KIB} KiB for display`}>
        {size}, showing the first {DISPLAY_KIB} KiB
      </span>
      {entry.full !== null ? (
        <button
          type="button"
          className="log-download"
          onClick={() => onDownload(entry.seq)}
          aria-label={`Download the full data of ${entry.name} (${size})`}
          title={`Save all ${size} as a file (kept until newer events need the console's ${formatBinaryBytes(EVENT_DATA_BUDGET)})`}
          data-testid="event-download"
        >
          Download
        </button>
      ) : (
        <span className="log-gone" data-testid="event-full-gone" title={`Newer events needed the console's ${formatBinaryBytes(EVENT_DATA_BUDGET)}: only the first ${DISPLAY_KIB} KiB are kept`}>
          full data gone
        </span>
      )}
    </>
  );
}
