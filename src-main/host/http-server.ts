/**
 * An HTTP server with routes. The host's one: the broker, `/api/lan`, the
 * headless page and the web bridge share its port, so a LAN player needs to
 * know a single address; each hosted game gets one of its own (its own origin,
 * see game-origin.ts). Modules register request and upgrade routes; the first
 * route that claims a request answers it.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { REFERRER_POLICY } from './content-security-policy.js';

export type RequestRoute = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean;
export type UpgradeRoute = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

export interface ListenOptions {
  /** Preferred port; 0 = any free port. */
  port: number;
  /** Bind address; default all IPv4 interfaces. */
  host?: string;
  /** How many successive ports to try when the preferred one is taken. */
  attempts?: number;
}

export class HostHttpServer {
  readonly server: http.Server;
  private readonly requestRoutes: RequestRoute[] = [];
  private readonly upgradeRoutes: UpgradeRoute[] = [];
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    // Track sockets so close() does not wait for idle keep-alive connections.
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // A client that resets mid-request must never take the host down.
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  addRequestRoute(route: RequestRoute): void {
    this.requestRoutes.push(route);
  }

  addUpgradeRoute(route: UpgradeRoute): void {
    this.upgradeRoutes.push(route);
  }

  get port(): number | null {
    const address = this.server.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Listens on the preferred port, or the next free one; resolves with the bound port. */
  async listen(options: ListenOptions): Promise<number> {
    const host = options.host ?? '0.0.0.0';
    const attempts = options.port === 0 ? 1 : Math.max(1, options.attempts ?? 20);
    let lastError: unknown;
    for (let i = 0; i < attempts; i += 1) {
      const port = options.port === 0 ? 0 : options.port + i;
      if (port > 65535) break;
      try {
        await this.tryListen(port, host);
        return this.port ?? port;
      } catch (error) {
        lastError = error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') break;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new Error(`Could not listen on ${host}:${options.port} or the ${attempts - 1} ports after it: ${reason}`);
  }

  private tryListen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server.off('listening', onListening);
        reject(error);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Every answer, whatever route gives it (page, API, broker, game, error): no Referer leaves a page of
    // ours (a dashboard address may carry the control token in its fragment) or of a hosted game.
    res.setHeader('Referrer-Policy', REFERRER_POLICY);
    const url = parseRequestUrl(req);
    if (!url) {
      sendText(res, 400, 'Bad request URL');
      return;
    }
    try {
      for (const route of this.requestRoutes) if (route(req, res, url)) return;
      sendText(res, 404, 'Not found');
    } catch (error) {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    }
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = parseRequestUrl(req);
    if (url) for (const route of this.upgradeRoutes) if (route(req, socket, head, url)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  }
}

function parseRequestUrl(req: http.IncomingMessage): URL | null {
  try {
    // The Host header is attacker-controlled; only the path and query are used.
    return new URL(req.url ?? '/', 'http://host.invalid');
  } catch {
    return null;
  }
}

export function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    // Games served from another origin on the LAN read /api/lan.
    'Access-Control-Allow-Origin': '*',
  });
  res.end(JSON.stringify(value));
}
