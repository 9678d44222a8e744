import { useMemo } from 'react';
import type { LanInstance, LanState } from '../../../src-preload/contract';
import { EmptyState } from '../components/EmptyState';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { useNow } from '../components/use-now';
import { useModel, useStore } from '../model-context';
import type { RegistrationView } from '../model/dashboard-p2p';
import { formatDuration, hostClockOffset, hostPort } from '../model/format';
import { listPlayers, type PlayerRow } from '../model/players';

/** The LAN: LAN Party instances found over mDNS, and the players registered on our broker. */
export function LanPanel() {
  const model = useModel();
  const host = useStore(model.host.view);
  const registration = useStore(model.p2p.registration);
  const directory = useStore(model.directory);
  const peers = useStore(model.p2p.peers);
  const lan = host.state?.lan ?? null;

  const players = useMemo(
    () =>
      listPlayers({
        myId: registration.id,
        instances: lan?.instances ?? [],
        brokerIds: directory.ids,
        connections: new Map(peers.map((p) => [p.peerId, p.state])),
      }),
    [registration.id, lan, directory.ids, peers],
  );

  const others = lan ? lan.instances.filter((i) => !i.self).length : 0;
  return (
    <Panel
      id="lan"
      title="LAN"
      summary={
        lan ? (
          <>
            <TrustPill lan={lan} />
            <DiscoveryPill lan={lan} />
          </>
        ) : null
      }
    >
      <h3 className="subheading">
        Machines <span className="count">{lan ? lan.instances.length : 0}</span>
      </h3>
      {lan && host.state ? (
        <InstanceList lan={lan} registration={registration} clockOffset={hostClockOffset(host.state.broker, host.receivedAt)} />
      ) : (
        <p className="muted">Reaching the host…</p>
      )}
      {lan && others === 0 && <LookingForPlayers lan={lan} />}

      <h3 className="subheading">
        Players on your broker <span className="count">{players.filter((p) => p.onBroker).length}</span>
      </h3>
      <PlayerList players={players} registration={registration} unlisted={directory.status === 'unlisted' ? directory.reason : null} />
    </Panel>
  );
}

function DiscoveryPill({ lan }: { lan: LanState }) {
  const tone = lan.discovery === 'running' ? 'ok' : lan.discovery === 'starting' ? 'busy' : lan.discovery === 'error' ? 'danger' : 'neutral';
  const text = { running: 'Discovering', starting: 'Starting…', error: 'Discovery failed', off: 'Discovery off' }[lan.discovery];
  return (
    <StatusPill tone={tone} testId="discovery-state" title={lan.lastError ?? undefined}>
      {text}
    </StatusPill>
  );
}

/** Which instances may be the default broker: any (no code), party members, or one pinned by hand. */
function TrustPill({ lan }: { lan: LanState }) {
  const trust = lan.trust ?? { mode: 'open' };
  const [tone, text, title] =
    trust.mode === 'party'
      ? (['ok', 'Party code', 'Only machines with this party’s code can be the default broker'] as const)
      : trust.mode === 'pinned'
        ? (['ok', 'Pinned broker', 'The default broker was pinned by hand on this host'] as const)
        : (['neutral', 'No party code', 'Any LAN Party on this LAN can be the default broker (set a party code in the settings to change that)'] as const);
  return (
    <StatusPill tone={tone} testId="lan-trust" title={title}>
      {text}
    </StatusPill>
  );
}

function LookingForPlayers({ lan }: { lan: LanState }) {
  if (lan.discovery === 'off') {
    return (
      <EmptyState title="LAN discovery is off on this host" testId="lan-empty">
        Other machines won’t be found automatically. Players who open this host’s page, or use the same broker, still appear below.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="Looking for players on this LAN…" busy testId="lan-empty">
      Start LAN Party on another machine of this network; it shows up here within seconds, no address to type.
    </EmptyState>
  );
}

function InstanceList({ lan, registration, clockOffset }: { lan: LanState; registration: RegistrationView; clockOffset: number }) {
  return (
    <ul className="instance-list" aria-label="LAN Party instances">
      {lan.instances.map((instance) => (
        <InstanceRow
          key={instance.instanceId}
          instance={instance}
          isDefault={lan.defaultBroker?.instanceId === instance.instanceId}
          registration={registration}
          clockOffset={clockOffset}
        />
      ))}
    </ul>
  );
}

function InstanceRow({ instance, isDefault, registration, clockOffset }: { instance: LanInstance; isDefault: boolean; registration: RegistrationView; clockOffset: number }) {
  const model = useModel();
  const now = useNow();
  const peers = useStore(model.p2p.peers);
  const broker = instance.broker;
  const on = registration.broker;
  const onThisBroker = on !== null && broker !== null && on.host === instance.address && on.port === broker.port && registration.state !== 'offline';
  const peerId = instance.peerId;
  const connected = peerId !== null && peers.some((p) => p.peerId === peerId);
  const canDial = peerId !== null && peerId !== registration.id && !connected && registration.state === 'connected';
  const host = useStore(model.host.view).state;
  const pinned = host?.lan.trust?.mode === 'pinned' && host.lan.trust.instanceId === instance.instanceId;
  // Pinning is a host setting: only a page that controls the host offers it.
  const canPin = host?.canControl === true && broker !== null && !pinned && instance.party?.member !== false;

  return (
    <li className="instance" data-testid="lan-instance" data-instance-id={instance.instanceId}>
      <div className="instance-main">
        <span className="instance-name">{instance.name}</span>
        {instance.self && <span className="tag tag-accent">this machine</span>}
        {isDefault && (
          <span className="tag tag-ok" data-testid="default-broker">
            default broker
          </span>
        )}
        {instance.party && !instance.party.member && (
          <span className="tag tag-warn" data-testid="not-in-party" title={`Not in this party: ${instance.party.reason}`}>
            not in this party
          </span>
        )}
        {pinned && (
          <span className="tag" data-testid="pinned-broker">
            pinned
          </span>
        )}
      </div>
      <div className="instance-meta">
        <span>{instance.address ? hostPort(instance.address, instance.httpPort) : 'no reachable address'}</span>
        <span>{broker ? `broker :${broker.port}` : 'no broker'}</span>
        <span title="Peer id advertised by this instance">{peerId ? <code>{peerId}</code> : 'no peer yet'}</span>
        {/*
          A listed instance is alive: its neighbour on the ring pings it every second and it is dropped within about 3.3 s of
          going silent, while its record is re-announced only every 20-200 s. So how long it has been listed says more than
          when its record was last heard. firstSeen is the host's clock: compare it with the host's "now", not this page's.
        */}
        <span>{instance.self ? 'this machine' : `on the LAN for ${formatDuration(now - clockOffset - instance.firstSeen)}`}</span>
      </div>
      <div className="instance-actions">
        {broker && instance.address && !onThisBroker && (
          <button type="button" className="btn btn-small" onClick={() => model.joinBroker(instance)} aria-label={`Join the broker of ${instance.name}`}>
            Join broker
          </button>
        )}
        {canPin && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void model.updateHostSettings({ pinnedBroker: instance.instanceId })}
            aria-label={`Always use the broker of ${instance.name}`}
            data-testid="pin-broker"
          >
            Pin broker
          </button>
        )}
        {canDial && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => model.connectTo(peerId)} aria-label={`Connect to ${instance.name}`}>
            Connect
          </button>
        )}
      </div>
    </li>
  );
}

function PlayerList({ players, registration, unlisted }: { players: PlayerRow[]; registration: RegistrationView; unlisted: string | null }) {
  const model = useModel();
  if (registration.state !== 'connected') {
    return <EmptyState title="Not on a broker yet">Players appear once you are connected to a broker.</EmptyState>;
  }
  if (players.length === 0) {
    return (
      <EmptyState title={unlisted ? 'This broker does not list its players' : 'Nobody else on this broker yet'} testId="players-empty">
        {unlisted
          ? `(${unlisted}.) Connect to a player by id in the Peers panel.`
          : 'Open LAN Party on another machine, or this page in a second tab to test a game against two peers.'}
      </EmptyState>
    );
  }
  return (
    <ul className="player-list" aria-label="Players">
      {players.map((player) => (
        <li key={player.peerId} className="player" data-testid="player" data-peer-id={player.peerId}>
          <span className="player-who">
            {player.name && <span className="player-name">{player.name}</span>}
            <code className="player-id">{player.peerId}</code>
            {player.sameMachine && <span className="tag">this machine</span>}
          </span>
          {player.connection ? (
            <StatusPill tone={player.connection === 'open' ? 'ok' : 'busy'}>{player.connection === 'open' ? 'Connected' : 'Connecting…'}</StatusPill>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => model.connectTo(player.peerId)}
              aria-label={`Connect to ${player.peerId}`}
              data-testid="player-connect"
            >
              Connect
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
