import { useId, useState, type FormEvent } from 'react';
import type { HostState } from '../../../src-preload/contract';
import { BENCH_LIMITS } from '../../../src-preload/game-agent-protocol';
import { DEFAULT_BENCH_COUNT } from '../../bench/model/bench-params';
import { CopyButton } from '../components/CopyButton';
import { EmptyState } from '../components/EmptyState';
import { FieldMessage } from '../components/FieldMessage';
import { Panel } from '../components/Panel';
import { QrCodeButton } from '../components/QrCodeButton';
import { Switch } from '../components/Switch';
import { useModel, useStore } from '../model-context';
import { lanGames } from '../model/games';
import { joinHostname } from '../model/join-address';

/** Web games on the LAN: host one from this machine, play any. */
export function GamesPanel() {
  const model = useModel();
  const host = useStore(model.host.view);
  const state = host.state;
  const selfHostname = model.bridge.kind === 'web' ? window.location.hostname : null;
  const games = state ? lanGames(state.lan, selfHostname) : [];
  // The same games as a phone on the LAN opens them: this host's by its LAN address, never loopback.
  const joinHost = state ? joinHostname(state.broker, model.bridge.kind === 'web' ? window.location : null) : null;
  const joinUrls = new Map(state ? lanGames(state.lan, joinHost).map((game) => [game.key, game.url]) : []);

  return (
    <Panel id="games" title="Games" summary={<span className="muted">{games.length === 1 ? '1 on the LAN' : `${games.length} on the LAN`}</span>}>
      {state?.canControl && <HostGameForm state={state} />}
      <h3 className="subheading">
        On the LAN <span className="count">{games.length}</span>
      </h3>
      {games.length === 0 ? (
        <EmptyState title="No game is hosted on this LAN yet" testId="games-empty">
          {state?.canControl
            ? 'Host one above: a folder with an index.html, or a .zip of one (a GDevelop HTML5 export works as is).'
            : 'A player with LAN Party can host one; it appears here for everyone.'}
        </EmptyState>
      ) : (
        <ul className="instance-list" aria-label="Games on the LAN">
          {games.map((game) => (
            <li key={game.key} className="instance" data-testid="lan-game">
              <div className="instance-main">
                <span className="instance-name">{game.name}</span>
                {game.self && <span className="tag tag-accent">hosted here</span>}
              </div>
              <div className="instance-meta small muted">
                on {game.hostName} · <code>{game.url}</code>
              </div>
              <div className="instance-actions">
                <CopyButton text={game.url} label={`address of ${game.name}`} compact />
                <QrCodeButton
                  text={joinUrls.get(game.key) ?? game.url}
                  label={`address of ${game.name}`}
                  title={`Join ${game.name} from a phone`}
                  hint="Scan with a phone or tablet on this LAN to open the game there."
                  className="btn btn-ghost btn-small"
                  testId="game-qr"
                >
                  QR code
                </QrCodeButton>
                <button type="button" className="btn btn-small btn-primary" onClick={() => void model.host.playGame(game.url)} aria-label={`Play ${game.name}`}>
                  Play
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function HostGameForm({ state }: { state: HostState }) {
  const model = useModel();
  const inputId = useId();
  const messageId = useId();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lanPartyRuntime, setLanPartyRuntime] = useState(true);
  const electron = model.bridge.kind === 'electron';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = path.trim();
    if (trimmed === '') {
      setError('Type the path of a game folder or .zip on the host machine.');
      return;
    }
    setBusy(true);
    const problem = await model.host.hostGame(trimmed, lanPartyRuntime ? 'lan-party' : 'original');
    setBusy(false);
    setError(problem);
    if (problem === null) setPath('');
  };

  const choose = async (kind: 'folder' | 'zip'): Promise<void> => {
    const chosen = await model.host.chooseGamePath(kind);
    if (chosen !== null) {
      setPath(chosen);
      setError(null);
    }
  };

  return (
    <>
      <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="Host a game">
        <label htmlFor={inputId} className="field-label">
          Host a game from this machine
        </label>
        <div className="inline-row">
          <input
            id={inputId}
            className="input"
            value={path}
            onChange={(event) => {
              setPath(event.target.value);
              setError(null);
            }}
            placeholder="/path/to/MyGame or MyGame.zip"
            aria-invalid={error !== null}
            aria-describedby={messageId}
            data-testid="game-path"
            spellCheck={false}
          />
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="host-game">
            Host
          </button>
        </div>
        {electron && (
          <div className="inline-row">
            <button type="button" className="btn btn-small" onClick={() => void choose('folder')}>
              Choose folder…
            </button>
            <button type="button" className="btn btn-small" onClick={() => void choose('zip')}>
              Choose .zip…
            </button>
          </div>
        )}
        <Switch
          checked={lanPartyRuntime}
          onChange={setLanPartyRuntime}
          label="GDevelop P2P games run on LAN Party's engine"
          description="Off: a GDevelop export keeps its own P2P runtime (PeerJS, no heartbeat or broker failover)."
          testId="gdevelop-runtime"
        />
        <FieldMessage id={messageId} error={error} hint="Served read-only to the LAN; the game uses the LAN broker without any change." testId="game-path-message" />
      </form>
      {state.games.length > 0 && (
        <ul className="instance-list" aria-label="Games hosted here">
          {state.games.map((game) => (
            <li key={game.id} className="instance" data-testid="hosted-game">
              <div className="instance-main">
                <span className="instance-name">{game.name}</span>
                <span className="tag">{game.kind}</span>
                {game.gdevelopRuntime && (
                  <span className="tag" data-testid="hosted-game-runtime">
                    {game.gdevelopRuntime === 'lan-party' ? 'GDevelop P2P on LAN Party' : "GDevelop's own P2P"}
                  </span>
                )}
              </div>
              <div className="instance-meta small muted" title={game.source}>
                <code>{game.source}</code>
              </div>
              <div className="instance-actions">
                <TestWithPlayers gameId={game.id} gameName={game.name} />
                <button type="button" className="btn btn-small" onClick={() => void model.host.stopHostingGame(game.id)} aria-label={`Stop hosting ${game.name}`}>
                  Stop hosting
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Test with N players": the test bench (issue 12), N instances of the game side by side in one view. */
function TestWithPlayers({ gameId, gameName }: { gameId: string; gameName: string }) {
  const model = useModel();
  const [text, setText] = useState(String(DEFAULT_BENCH_COUNT));
  const { minCount, maxCount } = BENCH_LIMITS;
  // What is typed may be half a number ("1" on the way to "16"): clamped when used, not while typing.
  const typed = Math.round(Number(text));
  const count = Number.isFinite(typed) && text.trim() !== '' ? Math.min(maxCount, Math.max(minCount, typed)) : DEFAULT_BENCH_COUNT;
  return (
    <span className="inline-row" data-testid="test-with-players">
      <input
        className="input"
        style={{ width: 64 }}
        type="number"
        min={minCount}
        max={maxCount}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => setText(String(count))}
        aria-label={`Players for the test bench of ${gameName} (${minCount} to ${maxCount})`}
        data-testid="bench-count"
      />
      <button type="button" className="btn btn-small btn-primary" onClick={() => void model.host.openBench(gameId, count)} data-testid="open-bench">
        Test with {count} players
      </button>
    </span>
  );
}
