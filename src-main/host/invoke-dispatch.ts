/**
 * The one way an invoke becomes a reply, whatever carried it (Electron IPC in
 * src-main/ipc.ts, the headless WebSocket bridge in src-main/headless/web-bridge.ts).
 * A transport keeps only its gate (who is asking) and hands over the channel
 * name and the raw input: the name is looked up in the contract, the caller's
 * gate is asked, the input is parsed with the channel's schema, the handler is
 * called with the parsed value, and its result is checked and made
 * serializable. Every failure is an error reply with a clear message; this
 * never throws and never runs a handler on input its schema refused.
 */
import {
  invokeChannels,
  parseInvokeInput,
  describeIssues,
  type InvokeHandlers,
  type InvokeName,
  type InvokeReply,
} from '../../src-preload/contract.js';

/** A transport's refusal for one channel (its message), or null to let the call through. Asked before the input is parsed. */
export type InvokeGate = (name: InvokeName) => string | null;

export type InvokeDispatcher = (name: string, raw: unknown) => Promise<InvokeReply>;

export function isInvokeName(name: string): name is InvokeName {
  return Object.hasOwn(invokeChannels, name);
}

export function createInvokeDispatcher(handlers: InvokeHandlers, gate: InvokeGate = () => null): InvokeDispatcher {
  return async (name, raw) => {
    if (!isInvokeName(name)) return { ok: false, error: `Unknown method ${JSON.stringify(name)}` };
    const refusal = gate(name);
    if (refusal !== null) return { ok: false, error: refusal };
    const parsed = parseInvokeInput(name, raw);
    if (!parsed.ok) return parsed;
    let value: unknown;
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      value = await handler(parsed.value);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    // `undefined` does not survive JSON (the bridge): every transport answers null instead.
    value ??= null;
    const checked = invokeChannels[name].output.safeParse(value);
    if (!checked.success) return { ok: false, error: `The host's reply to ${name} is invalid: ${describeIssues(checked.error)}` };
    return { ok: true, value };
  };
}
