import type { GameInstance, InstanceLink } from '../../../src-preload/game-agent-protocol';
import { StatusPill, type Tone } from '../components/StatusPill';
import { formatBytes, formatCount, formatDuration, formatRtt } from '../model/format';
import { describeDirected, formatRate, instanceLabel, isConditioned, linkPeer } from '../model/instances-view';
import { ConditionsEditor } from './ConditionsEditor';

const BROKER: Record<NonNullable<GameInstance['broker']>, { tone: Tone; text: string; title: string }> = {
  connected: { tone: 'ok', text: 'broker: connected', title: "Registered on the LAN's default broker through this host" },
  waiting: { tone: 'warn', text: 'broker: waiting', title: 'No broker on the LAN yet: the game waits and connects as soon as one starts' },
  moving: { tone: 'busy', text: 'broker: moving', title: "The LAN's default broker moved: re-registering under the same id" },
};

const LINK_STATE: Record<InstanceLink['state'], Tone> = { connecting: 'busy', open: 'ok', closing: 'warn', closed: 'neutral' };

/** One running instance (one open game page): who it is, its links, its events by name, and its network conditions. */
export function InstanceCard({ instance, now }: { instance: GameInstance; now: number }) {
  const broker = instance.broker ? BROKER[instance.broker] : null;
  const label = instanceLabel(instance);
  return (
    <li className="inst" data-testid={`instance-${instance.id}`} data-instance-id={instance.id} aria-label={`Instance ${label}`}>
      <div className="inst-head">
        <code className="inst-peer" data-testid="instance-peer" title={instance.peerId ? `PeerJS id ${instance.peerId}` : 'No PeerJS id seen yet'}>
          {label}
        </code>
        {broker && (
          <StatusPill tone={broker.tone} title={broker.title} testId="instance-broker">
            {broker.text}
          </StatusPill>
        )}
        {instance.bench !== null && (
          <span className="tag" title={`Test bench ${instance.bench.id}`}>
            bench {instance.bench.instance}/{instance.bench.count}
          </span>
        )}
        <span className="small muted" title={instance.page}>
          open {formatDuration(now - instance.connectedAt)}
        </span>
      </div>
      <p className={`inst-cond small${isConditioned(instance.conditions) ? ' inst-cond-on' : ''}`} data-testid="instance-conditions">
        Network: {describeDirected(instance.conditions)}
      </p>
      <LinkTable instance={instance} />
      <NameTable instance={instance} />
      {instance.droppedEvents > 0 && (
        <p className="small muted" data-testid="instance-dropped-events">
          {formatCount(instance.droppedEvents)} events not reported (over the agent's bound per report)
        </p>
      )}
      <ConditionsEditor target={{ instance: instance.id }} current={instance.conditions} name={label} allowSpike testId={`instance-${instance.id}`} />
    </li>
  );
}

function LinkTable({ instance }: { instance: GameInstance }) {
  if (instance.links.length === 0) {
    return (
      <p className="small muted" data-testid="instance-no-links">
        No connection yet: open the game in another window and join this player.
      </p>
    );
  }
  return (
    <ul className="inst-links" aria-label={`Links of ${instanceLabel(instance)}`}>
      {instance.links.map((link) => (
        <LinkRow key={link.id} instance={instance} link={link} />
      ))}
    </ul>
  );
}

function LinkRow({ instance, link }: { instance: GameInstance; link: InstanceLink }) {
  const peer = linkPeer(link);
  const testId = `instance-link-${instance.id}-${link.id}`;
  const own = isConditioned(link.conditions) && describeDirected(link.conditions) !== describeDirected(instance.conditions);
  return (
    <li className="inst-link" data-testid={testId} data-link-id={link.id}>
      <div className="inst-link-main">
        <span className="inst-link-peer" title={`Channel label: ${link.label}`}>
          → <code data-testid="link-peer">{peer}</code>
        </span>
        <StatusPill tone={LINK_STATE[link.state]} testId="link-state">
          {link.state}
        </StatusPill>
        <span className="tag" data-testid="link-reliable" title={link.reliable ? 'Ordered, retransmitted: nothing is lost' : 'Messages may be lost or reordered'}>
          {link.reliable ? 'reliable' : 'unreliable'}
        </span>
        {link.candidate && (
          <span className="tag" data-testid="link-candidate" title="Kind of the local ICE candidate in use">
            {link.candidate}
          </span>
        )}
        <span className="num inst-rtt" data-testid="link-rtt" title="Round-trip time of the candidate pair (getStats)">
          {formatRtt(link.rttMs)}
        </span>
      </div>
      <div className="inst-link-traffic small num">
        <span data-testid="link-out" title="Sent: messages, bytes, rate">
          ↑ {formatCount(link.sent.messages)} msgs · {formatBytes(link.sent.bytes)} · {formatRate(link.rateOut)}
        </span>
        <span data-testid="link-in" title="Received: messages, bytes, rate">
          ↓ {formatCount(link.received.messages)} msgs · {formatBytes(link.received.bytes)} · {formatRate(link.rateIn)}
        </span>
      </div>
      <p className={`inst-cond small${isConditioned(link.conditions) ? ' inst-cond-on' : ''}`} data-testid="link-conditions">
        Network on this link: {describeDirected(link.conditions)}
        {own ? ' (its own setting)' : ''}
      </p>
      <details className="cond-more">
        <summary>Condition this link only</summary>
        <ConditionsEditor target={{ instance: instance.id, link: link.id }} current={link.conditions} name={`the link to ${peer}`} allowSpike={false} testId={testId} />
      </details>
    </li>
  );
}

function NameTable({ instance }: { instance: GameInstance }) {
  if (instance.names.length === 0) return null;
  return (
    <table className="inst-names small" aria-label={`Events of ${instanceLabel(instance)} by name`}>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col" title="Received: total and per second">
            In
          </th>
          <th scope="col" title="Sent: total and per second">
            Out
          </th>
          <th scope="col" title="Received but not yet consumed by a frame loop (known for GDevelop-style games)">
            Backlog
          </th>
        </tr>
      </thead>
      <tbody>
        {instance.names.map((name) => (
          <tr key={name.name} data-testid="instance-event-name" data-name={name.name}>
            <th scope="row" className="inst-name" title={name.name}>
              {name.name}
            </th>
            <td className="num" data-testid="event-name-in">
              {formatCount(name.in)} · {formatRate(name.rateIn)}
            </td>
            <td className="num" data-testid="event-name-out">
              {formatCount(name.out)} · {formatRate(name.rateOut)}
            </td>
            <td className="num" data-testid="event-name-backlog">
              {name.backlog === null ? '—' : formatCount(name.backlog)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
