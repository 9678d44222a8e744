/** Renders the status page from the host state (DOM built with textContent only: names come from the LAN). */
import type { HostState } from '../../src-preload/contract';

type Child = Node | string;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

export function formatUptime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

export function renderStatus(
  root: HTMLElement,
  state: HostState | null,
  problem: string | null,
  actions: { toggleBroker(): Promise<void> },
): void {
  const parts: Child[] = [el('h1', {}, 'LAN Party')];
  if (problem) parts.push(el('p', { class: 'error', role: 'alert', 'data-testid': 'problem' }, problem));
  if (!state) {
    parts.push(el('p', {}, 'Connecting to the LAN Party host…'));
    root.replaceChildren(...parts);
    return;
  }
  const { broker, lan } = state;
  const uptime = broker.startedAt === null ? 0 : Date.now() - broker.startedAt;
  parts.push(
    el('h2', {}, 'Broker'),
    el(
      'dl',
      {},
      el('dt', {}, 'State'),
      el('dd', { 'data-testid': 'broker-running', class: broker.running ? 'running' : 'stopped' }, broker.running ? 'running' : 'stopped'),
      el('dt', {}, 'Port'),
      el('dd', { 'data-testid': 'broker-port' }, broker.port === null ? '—' : String(broker.port)),
      el('dt', {}, 'Path / key'),
      el('dd', {}, `${broker.path} / ${broker.key}`),
      el('dt', {}, 'Clients'),
      el('dd', { 'data-testid': 'broker-clients' }, String(broker.clients)),
      el('dt', {}, 'Uptime'),
      el('dd', { 'data-testid': 'broker-uptime' }, broker.running ? formatUptime(uptime) : '—'),
      el('dt', {}, 'Addresses'),
      el('dd', {}, broker.addresses.join(', ') || '—'),
    ),
  );
  if (broker.lastError) parts.push(el('p', { class: 'error' }, broker.lastError));
  if (state.canControl) {
    const button = el('button', { type: 'button', 'data-testid': 'broker-toggle' }, broker.running ? 'Stop broker' : 'Start broker');
    button.addEventListener('click', () => void actions.toggleBroker());
    parts.push(el('p', {}, button));
  }
  const rows = lan.instances.map((instance) =>
    el(
      'tr',
      { 'data-testid': 'lan-instance', 'data-instance-id': instance.instanceId },
      el(
        'td',
        {},
        instance.name,
        ...(instance.self ? [el('span', { class: 'badge' }, 'this machine')] : []),
        ...(lan.defaultBroker?.instanceId === instance.instanceId ? [el('span', { class: 'badge', 'data-testid': 'default-broker' }, 'default broker')] : []),
      ),
      el('td', {}, instance.address ?? '—'),
      el('td', {}, instance.broker ? `port ${instance.broker.port}` : 'no broker'),
      el('td', {}, instance.peerId ?? '—'),
    ),
  );
  parts.push(
    el('h2', {}, 'LAN'),
    el('p', { 'data-testid': 'discovery-state' }, `Discovery: ${lan.discovery}${lan.lastError ? ` (${lan.lastError})` : ''}`),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Address'), el('th', {}, 'Broker'), el('th', {}, 'Peer id'))), el('tbody', {}, ...rows)),
  );
  root.replaceChildren(...parts);
}
