/** One registration attempt on a PeerJS broker: resolves true when it answered OPEN (within 1 s). */
import { WebSocket } from 'ws';

export function registerOnce(wsUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      ws.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), 1_000);
    ws.on('message', (data) => finish(String(data).includes('"OPEN"')));
    ws.on('error', () => finish(false));
    ws.on('close', () => finish(false));
  });
}
