import { useState } from 'react';
import type { BrokerEndpoint, HostState } from '../../../src-preload/contract';
import { CopyButton } from '../components/CopyButton';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { useNow } from '../components/use-now';
import { useModel, useStore } from '../model-context';
import { formatDuration, hostPort, peerJsOptions } from '../model/format';

/** This host's embedded broker, and the exact details a web game needs to use the LAN's default broker. */
export function BrokerPanel() {
  const model = useModel();
  const host = useStore(model.host.view);
  const state = host.state;

  return (
    <Panel id="broker" title="Broker" summary={state ? <BrokerPill state={state} /> : null}>
      {state ? <BrokerBody state={state} receivedAt={host.receivedAt} /> : <p className="muted">Reaching the host…</p>}
    </Panel>
  );
}

function BrokerPill({ state }: { state: HostState }) {
  return <StatusPill tone={state.broker.running ? 'ok' : 'neutral'}>{state.broker.running ? 'Running' : 'Stopped'}</StatusPill>;
}

function BrokerBody({ state, receivedAt }: { state: HostState; receivedAt: number }) {
  const model = useModel();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const { broker, lan } = state;
  // The host's uptime at receipt plus the time since: no clock comparison between machines.
  const uptime = broker.running ? broker.uptimeMs + Math.max(0, now - receivedAt) : null;
  const defaultInstance = lan.instances.find((i) => i.instanceId === lan.defaultBroker?.instanceId) ?? null;

  const toggle = async (): Promise<void> => {
    setBusy(true);
    await (broker.running ? model.host.stopBroker() : model.host.startBroker());
    setBusy(false);
  };

  return (
    <>
      <h3 className="subheading">On this host</h3>
      <dl className="stats-grid">
        <div>
          <dt>State</dt>
          <dd data-testid="broker-running" className={broker.running ? 'text-ok' : 'muted'}>
            {broker.running ? 'running' : 'stopped'}
          </dd>
        </div>
        <div>
          <dt>Port</dt>
          <dd data-testid="broker-port" className="num">
            {broker.port === null ? '—' : String(broker.port)}
          </dd>
        </div>
        <div>
          <dt>Clients</dt>
          <dd data-testid="broker-clients" className="num" title={broker.clientIds.join(', ')}>
            {String(broker.clients)}
          </dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd data-testid="broker-uptime" className="num">
            {uptime === null ? '—' : formatDuration(uptime)}
          </dd>
        </div>
      </dl>
      {broker.clientIds.length > 0 && (
        <details className="small" data-testid="broker-client-list">
          <summary>
            Registered peers ({broker.clients}
            {broker.clients > broker.clientIds.length ? `, first ${broker.clientIds.length} listed` : ''}): games' players show up here too
          </summary>
          <ul className="id-list">
            {broker.clientIds.map((id) => (
              <li key={id}>
                <code data-testid="broker-client-id">{id}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      {broker.running && broker.addresses.length > 0 && (
        <p className="small muted" data-testid="broker-addresses">
          Reachable at {broker.addresses.map((a) => hostPort(a, broker.port)).join(', ')}
        </p>
      )}
      {state.canControl ? (
        <button type="button" className="btn" onClick={() => void toggle()} disabled={busy} data-testid="broker-toggle">
          {broker.running ? 'Stop broker' : 'Start broker'}
        </button>
      ) : (
        <p className="muted small">Starting and stopping the broker is done on the host machine.</p>
      )}

      <h3 className="subheading">LAN default broker</h3>
      {lan.defaultBroker ? (
        <>
          <p className="default-reason" data-testid="default-broker-reason">
            <strong>{defaultInstance ? defaultInstance.name : lan.defaultBroker.instanceId}</strong>
            {defaultInstance?.self ? ' (this host)' : ''}: {lan.defaultBroker.reason}
          </p>
          <ConnectionDetails endpoint={lan.defaultBroker.endpoint} />
        </>
      ) : (
        <p className="muted" data-testid="default-broker-reason">
          No broker runs on this LAN yet.{state.canControl ? ' Start this host’s broker and it becomes the default.' : ''}
        </p>
      )}
    </>
  );
}

/** Host, port, path, key and TLS, one copy button each, plus the whole PeerJS options object. */
function ConnectionDetails({ endpoint }: { endpoint: BrokerEndpoint }) {
  const rows: [string, string][] = [
    ['Host', endpoint.host],
    ['Port', String(endpoint.port)],
    ['Path', endpoint.path],
    ['Key', endpoint.key],
    ['SSL', endpoint.secure ? 'true' : 'false'],
  ];
  const options = peerJsOptions(endpoint);
  return (
    <div className="details" data-testid="connection-details">
      <p className="small muted">What a web game passes to PeerJS (or GDevelop’s “Connect to a broker server”) to join this LAN:</p>
      <dl className="copy-list">
        {rows.map(([label, value]) => (
          <div key={label} className="copy-row">
            <dt>{label}</dt>
            <dd>
              <code data-testid={`detail-${label.toLowerCase()}`}>{value}</code>
              <CopyButton text={value} label={`broker ${label.toLowerCase()}`} compact />
            </dd>
          </div>
        ))}
      </dl>
      <div className="copy-row copy-row-wide">
        <code className="code-block" title={`new Peer(id, ${options})`}>
          {options}
        </code>
        <CopyButton text={options} label="PeerJS options" compact />
      </div>
    </div>
  );
}
