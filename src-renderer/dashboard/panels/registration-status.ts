/**
 * How our broker registration is described everywhere (header, identity panel,
 * welcome card): one wording, one tone.
 */
import type { Tone } from '../components/StatusPill';
import type { RegistrationView } from '../model/dashboard-p2p';

export function registrationStatus(registration: RegistrationView, lanHasDefault: boolean): { tone: Tone; text: string } {
  switch (registration.state) {
    case 'connected':
      return { tone: 'ok', text: 'Online' };
    case 'connecting':
      if (registration.viaDefault && !lanHasDefault) return { tone: 'warn', text: 'Waiting for a broker' };
      return { tone: 'busy', text: 'Connecting…' };
    case 'offline':
      return { tone: 'neutral', text: 'Offline' };
  }
}
