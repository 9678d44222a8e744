/**
 * Reads decoded mDNS packets (multicast-dns / dns-packet shapes) into
 * per-service sightings, and builds the records we publish. Pure.
 *
 * Packets come from anyone on the LAN: every field is type-checked before use
 * and the work per packet is bounded.
 */
import { SERVICE_TYPE, encodeTxt, hostTarget, serviceFqdn, type AdvertisedFields } from './txt.js';

/** Records read from one packet; a real response carries a handful. */
export const MAX_RECORDS_PER_PACKET = 256;
/** Services read from one packet. */
export const MAX_SERVICES_PER_PACKET = 32;

/** TTLs of RFC 6762 section 10: host records 120 s, the others 75 min. Liveness does not rely on them (discovery/liveness.ts). */
const TTL_HOST = 120;
const TTL_OTHER = 4500;

const SERVICE_SUFFIX = `.${SERVICE_TYPE}`;

/** A record as we publish it (the shape bonjour-service's responder and dns-packet expect). */
export interface PublishedRecord {
  name: string;
  type: 'PTR' | 'SRV' | 'TXT' | 'A';
  ttl: number;
  flush?: boolean;
  data: string | Buffer[] | { port: number; target: string; priority: number; weight: number };
}

/** What one packet says about one service instance of our type. */
export interface ServiceSighting {
  /** Lower-cased full service name (`lanparty-<id>._lanparty._tcp.local`). */
  key: string;
  /** The instance label as received (`lanparty-<id>`). */
  label: string;
  /** A goodbye (TTL 0 on its PTR or SRV): the instance is leaving. */
  goodbye: boolean;
  /** Raw TXT strings, when the packet carried the TXT record. */
  txt: unknown[] | null;
  srv: { port: number; target: string } | null;
  /** A/AAAA data for the SRV target found in the same packet. */
  advertised: string[];
}

interface RecordView {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

function asRecords(list: unknown): RecordView[] {
  if (!Array.isArray(list)) return [];
  const out: RecordView[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, type, ttl, data } = item as Record<string, unknown>;
    if (typeof name !== 'string' || typeof type !== 'string') continue;
    out.push({ name, type, ttl: typeof ttl === 'number' ? ttl : 0, data });
  }
  return out;
}

function packetRecords(packet: unknown): RecordView[] {
  if (typeof packet !== 'object' || packet === null) return [];
  const { answers, additionals } = packet as Record<string, unknown>;
  return [...asRecords(answers), ...asRecords(additionals)].slice(0, MAX_RECORDS_PER_PACKET);
}

/** `lanparty-x._lanparty._tcp.local` -> `lanparty-x`; null for other names or nested labels. */
function labelOf(name: string): string | null {
  const lower = name.toLowerCase();
  if (!lower.endsWith(SERVICE_SUFFIX)) return null;
  const label = name.slice(0, -SERVICE_SUFFIX.length);
  return label.length > 0 && label.length <= 63 && !label.includes('.') ? label : null;
}

/** Groups the packet's records of our service type by service instance. */
export function readSightings(packet: unknown): ServiceSighting[] {
  const records = packetRecords(packet);
  const byKey = new Map<string, ServiceSighting>();
  const sighting = (label: string): ServiceSighting | undefined => {
    const key = `${label}${SERVICE_SUFFIX}`.toLowerCase();
    let found = byKey.get(key);
    if (!found && byKey.size < MAX_SERVICES_PER_PACKET) {
      found = { key, label, goodbye: false, txt: null, srv: null, advertised: [] };
      byKey.set(key, found);
    }
    return found;
  };

  for (const record of records) {
    if (record.type === 'PTR' && record.name.toLowerCase() === SERVICE_TYPE && typeof record.data === 'string') {
      const label = labelOf(record.data);
      const found = label === null ? undefined : sighting(label);
      if (found && record.ttl === 0) found.goodbye = true;
      continue;
    }
    if (record.type !== 'SRV' && record.type !== 'TXT') continue;
    const label = labelOf(record.name);
    const found = label === null ? undefined : sighting(label);
    if (!found) continue;
    if (record.type === 'SRV') {
      if (record.ttl === 0) found.goodbye = true;
      const data = record.data as { port?: unknown; target?: unknown } | null;
      if (data && typeof data.port === 'number' && typeof data.target === 'string') {
        found.srv = { port: data.port, target: data.target };
      }
    } else if (record.ttl > 0 && Array.isArray(record.data)) {
      found.txt = record.data as unknown[];
    }
  }

  for (const found of byKey.values()) {
    const target = found.srv?.target.toLowerCase();
    if (target === undefined) continue;
    for (const record of records) {
      if ((record.type === 'A' || record.type === 'AAAA') && record.ttl > 0 && record.name.toLowerCase() === target) {
        if (typeof record.data === 'string' && found.advertised.length < 16) found.advertised.push(record.data);
      }
    }
  }
  return [...byKey.values()];
}

/** Whether a query packet asks for our service type (someone is refreshing the LAN). */
export function asksForOurService(packet: unknown): boolean {
  if (typeof packet !== 'object' || packet === null) return false;
  const questions = (packet as { questions?: unknown }).questions;
  if (!Array.isArray(questions)) return false;
  return (questions as unknown[]).slice(0, 16).some((q) => {
    if (typeof q !== 'object' || q === null) return false;
    const { name, type } = q as { name?: unknown; type?: unknown };
    return typeof name === 'string' && name.toLowerCase() === SERVICE_TYPE && (type === 'PTR' || type === 'ANY');
  });
}

/**
 * The instances a query asks for by name (SRV, TXT or ANY of
 * `lanparty-<id>._lanparty._tcp.local`): a failure check (discovery/liveness.ts).
 * Lower-cased service keys, at most 16 questions read.
 */
export function checkedServices(packet: unknown): string[] {
  if (typeof packet !== 'object' || packet === null) return [];
  const questions = (packet as { questions?: unknown }).questions;
  if (!Array.isArray(questions)) return [];
  const keys: string[] = [];
  for (const q of (questions as unknown[]).slice(0, 16)) {
    if (typeof q !== 'object' || q === null) continue;
    const { name, type } = q as { name?: unknown; type?: unknown };
    if (typeof name !== 'string' || (type !== 'SRV' && type !== 'TXT' && type !== 'ANY')) continue;
    const label = labelOf(name);
    if (label !== null) keys.push(`${label}${SERVICE_SUFFIX}`.toLowerCase());
  }
  return keys;
}

/** The failure check for one instance: its SRV record, which its responder answers by multicast (~70 bytes). */
export function checkQuestion(instanceId: string): { name: string; type: 'SRV' } {
  return { name: serviceFqdn(instanceId), type: 'SRV' };
}

/** The question that makes every instance answer with its full record set. */
export const BROWSE_QUESTION = { name: SERVICE_TYPE, type: 'PTR' } as const;

/**
 * Our record set for one interface: the A record carries only that
 * interface's address (bonjour-service's own `publish` would list every
 * interface and a scope-less fe80::). Unique records set the cache-flush bit
 * so a changed TXT replaces the old one in standard caches.
 */
export function buildRecords(fields: AdvertisedFields, interfaceAddress: string): PublishedRecord[] {
  const fqdn = serviceFqdn(fields.instanceId);
  const target = hostTarget(fields.instanceId);
  return [
    { name: SERVICE_TYPE, type: 'PTR', ttl: TTL_OTHER, data: fqdn },
    { name: '_services._dns-sd._udp.local', type: 'PTR', ttl: TTL_OTHER, data: SERVICE_TYPE },
    { name: fqdn, type: 'SRV', ttl: TTL_HOST, flush: true, data: { port: fields.httpPort, target, priority: 0, weight: 0 } },
    { name: fqdn, type: 'TXT', ttl: TTL_OTHER, flush: true, data: encodeTxt(fields) },
    { name: target, type: 'A', ttl: TTL_HOST, flush: true, data: interfaceAddress },
  ];
}

/**
 * Goodbye records (TTL 0). The shared `_services._dns-sd._udp` pointer is left
 * out: other instances still offer the type, and a goodbye for it would wipe
 * it from standard caches.
 */
export function goodbyeRecords(records: readonly PublishedRecord[]): PublishedRecord[] {
  return records.filter((r) => r.name !== '_services._dns-sd._udp.local').map((r) => ({ ...r, ttl: 0 }));
}
