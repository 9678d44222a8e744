import { useId, useState } from 'react';
import { CopyButton } from '../components/CopyButton';
import { InlineForm } from '../components/InlineForm';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { TextInput } from '../components/TextInput';
import { useModel, useStore } from '../model-context';
import { describeEndpoint } from '../model/format';
import { validatePeerId } from '../model/validation';
import { DisplayNameForm } from './DisplayNameForm';
import { registrationStatus } from './registration-status';

/** Who you are: peer id, display name, your broker registration, and a custom id. */
export function IdentityPanel() {
  const model = useModel();
  const registration = useStore(model.p2p.registration);
  const host = useStore(model.host.view);
  const personal = useStore(model.personal);
  const status = registrationStatus(registration, host.state?.lan.defaultBroker != null);

  return (
    <Panel id="identity" title="You" summary={<StatusPill tone={status.tone} testId="link-state">{status.text}</StatusPill>}>
      <dl className="facts">
        <div className="fact">
          <dt>Peer id</dt>
          <dd className="fact-value">
            <code data-testid="own-peer-id" className="mono-strong">
              {registration.id}
            </code>
            {registration.id === '' && <span className="muted">assigned when connected</span>}
            <CopyButton text={registration.id} label="peer id" compact />
          </dd>
        </div>
        <div className="fact">
          <dt>Broker</dt>
          <dd className="fact-value fact-wrap" data-testid="link-broker">
            {registration.broker ? describeEndpoint(registration.broker) : <span className="muted">none yet</span>}
            <span className="tag">{registration.viaDefault ? 'LAN default' : 'chosen by hand'}</span>
          </dd>
        </div>
      </dl>
      <div className="button-row">
        {registration.state === 'offline' ? (
          <button type="button" className="btn" onClick={() => model.useDefaultBroker()} data-testid="broker-reconnect">
            Connect to the LAN default
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => model.disconnectBroker()} data-testid="broker-disconnect">
            Disconnect from broker
          </button>
        )}
        {!registration.viaDefault && registration.state !== 'offline' && (
          <button type="button" className="btn btn-ghost" onClick={() => model.useDefaultBroker()}>
            Back to the LAN default
          </button>
        )}
      </div>
      <div className="identity-forms">
        {/* While the welcome card asks for the name, one field is enough. */}
        {personal.welcomed && <DisplayNameForm current={model.displayName()} testId="display-name" />}
        <CustomIdForm current={registration.id} />
      </div>
    </Panel>
  );
}

/** Re-registers under an id of your choice; the contract's id rule says why one is refused. */
function CustomIdForm({ current }: { current: string }) {
  const model = useModel();
  const id = useId();
  const [draft, setDraft] = useState('');
  const [touched, setTouched] = useState(false);
  const validation = validatePeerId(draft);
  const showError = touched && draft !== '' && !validation.ok;

  return (
    <InlineForm
      id={`${id}-custom`}
      label="Use a custom id"
      onSubmit={() => {
        setTouched(true);
        if (!validation.ok || validation.value === current) return;
        model.useCustomId(validation.value);
        setDraft('');
        setTouched(false);
      }}
      messageTestId="custom-id-error"
      error={showError && !validation.ok ? validation.error : null}
      hint="Re-registers under this id for this tab; open connections stay up"
    >
      <TextInput
        id={`${id}-custom`}
        value={draft}
        placeholder="e.g. player-2"
        maxLength={80}
        invalid={showError}
        testId="custom-id-input"
        onChange={(value) => {
          setDraft(value);
          setTouched(true);
        }}
      />
      <button type="submit" className="btn" disabled={!validation.ok || validation.value === current} data-testid="custom-id-apply">
        Reconnect as
      </button>
    </InlineForm>
  );
}
