import { Panel } from '../components/Panel';
import { EventLog } from './EventLog';
import { SendEventForm } from './SendEventForm';

/** Fire events by hand and watch every event that goes in or out. */
export function EventConsole() {
  return (
    <Panel id="events" title="Event console" className="panel-console">
      <SendEventForm />
      <EventLog />
    </Panel>
  );
}
