/**
 * Beside the grid: every instance's events in one list, newest first, each
 * row in its instance's colour (the legend says which); names can be hidden
 * (a game's heartbeat would bury its moves). Bounded by BenchTimeline
 * (model/bench-timeline.ts), and re-rendered at most once an animation frame
 * however fast events come (BenchSession coalesces).
 */
import { memo, useMemo, useSyncExternalStore } from 'react';
import type { BenchSession } from './model/bench-session';
import { colourOf, type TimelineEntry } from './model/bench-timeline';

/** Rows drawn: the newest, enough to fill a tall window; the model keeps more for the next frames. */
const ROWS_SHOWN = 150;

function clock(t: number): string {
  const date = new Date(t);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function BenchTimelinePanel({ session, count }: { session: BenchSession; count: number }) {
  const { entries, names, hidden } = useSyncExternalStore(session.timeline.subscribe, session.timeline.get);
  const shown = useMemo(() => entries.slice(-ROWS_SHOWN).reverse(), [entries]);
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
      {shown.length === 0 ? (
        <p className="small muted" data-testid="bench-timeline-empty">
          {entries.length === 0 ? "No event yet: the games' {eventName, data} messages appear here, newest first." : 'No event of the names shown yet.'}
        </p>
      ) : (
        <ol className="bench-events" data-testid="bench-events">
          {shown.map((entry) => (
            <Row key={entry.seq} entry={entry} />
          ))}
        </ol>
      )}
    </aside>
  );
}

const Row = memo(function Row({ entry }: { entry: TimelineEntry }) {
  return (
    <li className="bench-event" style={{ ['--instance-colour' as string]: colourOf(entry.index) }} data-testid="bench-event" data-index={entry.index} data-name={entry.name}>
      <span className="bench-event-index">{entry.index}</span>
      <span className="bench-event-dir" aria-label={entry.dir === 'in' ? 'received' : 'sent'}>
        {entry.dir === 'in' ? '←' : '→'}
      </span>
      <span className="bench-event-name">{entry.name}</span>
      <span className="bench-event-data" title={entry.data}>
        {entry.data}
      </span>
      <time className="bench-event-time">{clock(entry.t)}</time>
    </li>
  );
});
