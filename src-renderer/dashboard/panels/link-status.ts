/**
 * How the broker link is described everywhere (header, identity panel,
 * welcome card): one wording, one tone.
 */
import type { Tone } from '../components/StatusPill';
import type { LinkView } from '../model/p2p-session';

export function linkStatus(link: LinkView, lanHasDefault: boolean): { tone: Tone; text: string } {
  switch (link.state) {
    case 'connected':
      return { tone: 'ok', text: 'Online' };
    case 'connecting':
      if (link.viaDefault && !lanHasDefault) return { tone: 'warn', text: 'Waiting for a broker' };
      return { tone: 'busy', text: 'Connecting…' };
    case 'offline':
      return { tone: 'neutral', text: 'Offline' };
  }
}
