/**
 * Beside the grid: every instance's events in one list, newest first, each
 * row in its instance's colour (the legend says which); names can be hidden
 * (a game's heartbeat would bury its moves). Bounded by BenchTimeline
 * (model/bench-timeline.ts), and re-rendered at most every 100 ms however
 * fast events come (BenchSession coalesces).
 *
 * Only the rows in view exist (virtualized, one fixed row height), in a
 * scroller that contains its own layout and paint: with 150 rows drawn, each
 * render re-laid out the list and the page around it (bench page, 8 idle
 * instances: Layout 1.6 s and Paint 0.7 s of every 10 s, 15-29 long tasks).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, useSyncExternalStore } from 'react';
import { formatClock } from '../dashboard/model/format';
import type { BenchSession } from './model/bench-session';
import { colourOf, type TimelineEntry } from './model/bench-timeline';

/** Fixed row height (bench.css `.bench-event`): positions are computed, never measured. */
const ROW_HEIGHT = 18;

export function BenchTimelinePanel({ session, count }: { session: BenchSession; count: number }) {
  const { entries, names, hidden } = useSyncExternalStore(session.timeline.subscribe, session.timeline.get);
  const scroller = useRef<HTMLDivElement>(null);
  // Newest first: row i is entries[length - 1 - i].
  const entryAt = (i: number): TimelineEntry | undefined => entries[entries.length - 1 - i];
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // Keys are sequence numbers: a row keeps its element while newer ones arrive above it.
    getItemKey: (i) => entryAt(i)?.seq ?? -i - 1,
    overscan: 8,
  });
  return (
    <aside className="bench-timeline" aria-label="Events of every instance" data-testid="bench-timeline">
      <h2 className="bench-timeline-title">Events</h2>
      <ul className="bench-legend" aria-label="Instance colours">
        {Array.from({ length: count }, (_, k) => (
          <li key={k} style={{ ['--instance-colour' as string]: colourOf(k + 1) }}>
            <span className="bench-swatch" aria-hidden="true" />
            {k + 1}
          </li>
        ))}
      </ul>
      {names.length > 0 && (
        <fieldset className="bench-names">
          <legend className="small muted">Show events named</legend>
          {names.map((name) => (
            <label key={name} className="bench-name small">
              <input type="checkbox" checked={!hidden.has(name)} onChange={(event) => session.setHidden(name, !event.target.checked)} data-testid="bench-event-name-switch" data-name={name} />
              {name}
            </label>
          ))}
        </fieldset>
      )}
      {entries.length === 0 ? (
        <p className="small muted" data-testid="bench-timeline-empty">
          {names.length === 0 ? "No event yet: the games' {eventName, data} messages appear here, newest first." : 'No event of the names shown yet.'}
        </p>
      ) : (
        <div className="bench-events" ref={scroller} data-testid="bench-events">
          <ol className="bench-events-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const entry = entryAt(item.index);
              return entry ? <Row key={item.key} entry={entry} top={item.start} /> : null;
            })}
          </ol>
        </div>
      )}
    </aside>
  );
}

const Row = memo(function Row({ entry, top }: { entry: TimelineEntry; top: number }) {
  return (
    <li
      className="bench-event"
      style={{ ['--instance-colour' as string]: colourOf(entry.index), transform: `translateY(${top}px)` }} data-testid="bench-event" data-index={entry.index} data-name={entry.name}>
      <span className="bench-event-index">{entry.index}</span>
      <span className="bench-event-dir" aria-label={entry.dir === 'in' ? 'received' : 'sent'}>
        {entry.dir === 'in' ? '←' : '→'}
      </span>
      <span className="bench-event-name">{entry.name}</span>
      <span className="bench-event-data" title={entry.data}>
        {entry.data}
      </span>
      <time className="bench-event-time">{formatClock(entry.t)}</time>
    </li>
  );
});
