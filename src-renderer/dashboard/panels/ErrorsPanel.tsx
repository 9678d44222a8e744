import { EmptyState } from '../components/EmptyState';
import { Panel } from '../components/Panel';
import { useModel, useStore } from '../model-context';
import { formatClock } from '../model/format';

const SOURCE_LABEL = { p2p: 'P2P', broker: 'Broker', discovery: 'LAN', host: 'Host', dashboard: 'Dashboard' } as const;

/** The last error, prominent, then the log (newest first) from every source. */
export function ErrorsPanel() {
  const model = useModel();
  const errors = useStore(model.errors);
  const last = errors.entries[errors.entries.length - 1] ?? null;
  const older = errors.entries.slice(0, -1).reverse();

  return (
    <Panel
      id="errors"
      title="Errors"
      summary={<span data-testid="errors-summary">{errors.entries.length === 0 ? 'none' : `${errors.entries.length} kept`}</span>}
      actions={
        <button type="button" className="btn btn-small" disabled={errors.entries.length === 0} onClick={() => model.clearErrors()}>
          Clear
        </button>
      }
    >
      {last ? (
        <div className="last-error" data-testid="last-error">
          <span className="last-error-meta">
            {SOURCE_LABEL[last.source]} · {formatClock(last.at)}
            {last.count > 1 ? ` · ×${last.count}` : ''}
          </span>
          {/* Only the message is announced: a repeat just bumps the count above, silently. */}
          <span className="last-error-text" role="alert">
            {last.message}
          </span>
        </div>
      ) : (
        <EmptyState title="No errors">Problems with the broker, a peer or the LAN show up here, newest first.</EmptyState>
      )}
      {older.length > 0 && (
        <ol className="error-log" aria-label="Earlier errors" data-testid="error-log">
          {older.map((entry) => (
            <li key={entry.seq}>
              <span className="error-meta num">{formatClock(entry.at)}</span>
              <span className="error-source">{SOURCE_LABEL[entry.source]}</span>
              <span className="error-text">
                {entry.message}
                {entry.count > 1 ? ` (×${entry.count})` : ''}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
