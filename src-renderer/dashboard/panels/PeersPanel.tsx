import { useId, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import { FieldMessage } from '../components/FieldMessage';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { Switch } from '../components/Switch';
import { TextInput } from '../components/TextInput';
import { useModel, useStore } from '../model-context';
import { formatBytes, formatCount, formatRtt } from '../model/format';
import type { PeerRowStats } from '../model/dashboard-p2p';
import { validatePeerId } from '../model/validation';
import { RttChart } from './RttChart';

/** Every connection with its live stats; connect by id, disconnect, auto-connect to everyone. */
export function PeersPanel() {
  const model = useModel();
  const peers = useStore(model.p2p.peers);
  const registration = useStore(model.p2p.registration);
  useStore(model.host.view);
  useStore(model.personal);
  const open = peers.filter((p) => p.state === 'open').length;

  return (
    <Panel
      id="peers"
      title="Peers"
      summary={
        <span data-testid="peers-summary">
          {open} connected{peers.length > open ? `, ${peers.length - open} connecting` : ''}
        </span>
      }
      actions={
        <>
          <Switch
            checked={model.autoConnect()}
            onChange={(on) => void model.setAutoConnect(on)}
            label="Auto-connect to everyone"
            description="Connects to every player on the LAN and the broker; of two players, the one with the smaller id dials, so each pair gets one connection"
            testId="auto-connect"
          />
          <button type="button" className="btn btn-small" disabled={peers.length === 0} onClick={() => model.disconnectAllPeers()} data-testid="disconnect-all">
            Disconnect all
          </button>
        </>
      }
    >
      <ConnectByIdForm disabled={registration.state !== 'connected'} myId={registration.id} />
      {peers.length === 0 ? (
        <EmptyState title="No connections yet" testId="peers-empty">
          Connect to a player from the LAN panel or by id above, or switch on auto-connect.
        </EmptyState>
      ) : (
        <div className="peer-table" role="table" aria-label="Connections">
          <div className="peer-row peer-head" role="row">
            <span role="columnheader">Peer</span>
            <span role="columnheader">State</span>
            <span role="columnheader">RTT, last minute</span>
            <span role="columnheader" title="Messages received / sent">
              Msgs in/out
            </span>
            <span role="columnheader" title="Bytes received / sent">
              Bytes in/out
            </span>
            <span role="columnheader">
              <span className="visually-hidden">Actions</span>
            </span>
          </div>
          {peers.map((peer) => (
            <PeerRow key={peer.peerId} peer={peer} name={model.nameOf(peer.peerId)} />
          ))}
        </div>
      )}
    </Panel>
  );
}

function PeerRow({ peer, name }: { peer: PeerRowStats; name: string | null }) {
  const model = useModel();
  const measured = peer.rtt.rtts.filter((v): v is number => v !== null);
  const label = measured.length
    ? `RTT over the last minute: ${formatRtt(Math.min(...measured))} to ${formatRtt(Math.max(...measured))}`
    : 'RTT not measured yet';
  return (
    <div className="peer-row" role="row" data-testid="peer-row" data-peer-id={peer.peerId}>
      <span role="cell" className="peer-who">
        {name && <span className="peer-name">{name}</span>}
        <code className="peer-id" title={peer.peerId}>
          {peer.peerId}
        </code>
        <span className="peer-kind">{peer.engine ? 'LAN Party' : 'PeerJS'}</span>
      </span>
      <span role="cell" className="peer-state">
        <StatusPill tone={peer.state === 'open' ? 'ok' : 'busy'} testId="peer-state">
          {peer.state === 'open' ? 'Open' : 'Connecting…'}
        </StatusPill>
        <span className="peer-direction" title={peer.direction === 'outgoing' ? 'You dialed' : 'They dialed'}>
          {peer.direction === 'outgoing' ? '↗ outgoing' : '↙ incoming'}
        </span>
        {peer.path && (
          <span
            className="peer-path"
            data-testid="peer-path"
            title={`Selected ICE candidates: ${peer.candidateTypes?.local ?? '?'} ↔ ${peer.candidateTypes?.remote ?? '?'}${peer.path === 'relayed' ? ' (through a TURN server)' : ''}`}
          >
            {peer.path === 'relayed' ? 'relayed (TURN)' : 'direct'}
          </span>
        )}
      </span>
      <span role="cell" className="peer-rtt">
        <span className="num rtt-value" data-testid="peer-rtt">
          {formatRtt(peer.rttMs)}
        </span>
        <RttChart series={peer.rtt} label={label} />
      </span>
      <span role="cell" className="num" data-testid="peer-messages">
        {formatCount(peer.messagesIn)} / {formatCount(peer.messagesOut)}
      </span>
      <span role="cell" className="num">
        {formatBytes(peer.bytesIn)} / {formatBytes(peer.bytesOut)}
      </span>
      <span role="cell" className="peer-actions">
        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => model.disconnectPeer(peer.peerId)} aria-label={`Disconnect from ${peer.peerId}`}>
          Disconnect
        </button>
      </span>
    </div>
  );
}

function ConnectByIdForm({ disabled, myId }: { disabled: boolean; myId: string }) {
  const model = useModel();
  const id = useId();
  const [draft, setDraft] = useState('');
  const validation = validatePeerId(draft);
  const self = validation.ok && validation.value === myId;
  const error = draft === '' ? null : !validation.ok ? validation.error : self ? 'That is your own id' : null;

  return (
    <form
      className="inline-form connect-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!validation.ok || self || disabled) return;
        model.connectTo(validation.value);
        setDraft('');
      }}
    >
      <div className="inline-row">
        <label htmlFor={`${id}-peer`} className="inline-label">
          Connect by id
        </label>
        <TextInput id={`${id}-peer`} value={draft} placeholder="the other player’s peer id" maxLength={80} invalid={error !== null} testId="connect-id-input" onChange={setDraft} />
        <button type="submit" className="btn btn-primary" disabled={disabled || !validation.ok || self} data-testid="connect-id-submit">
          Connect
        </button>
      </div>
      <FieldMessage id={`${id}-peer-msg`} error={error} hint={disabled ? 'Available once you are connected to a broker' : undefined} />
    </form>
  );
}
