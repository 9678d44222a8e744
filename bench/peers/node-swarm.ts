/**
 * Node peer processes (node-worker.ts), started by this benchmark and stopped
 * by pid: the parent side of their request/reply channel, every call bounded
 * in time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { LOADER, REPO_ROOT } from '../lib/paths.js';
import type { WorkerReplies, WorkerRequest } from './node-worker.js';

const WORKER = path.join(REPO_ROOT, 'bench/peers/node-worker.ts');

export class NodeWorker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { id?: number; ok?: boolean; value?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error ?? 'worker error'));
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`worker exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<NodeWorker> {
    const child = fork(WORKER, [], { cwd: REPO_ROOT, execArgv: ['--import', LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new NodeWorker(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node worker did not start within 20 s')), 20_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node worker exited with ${code} at start`));
      });
    });
    return worker;
  }

  call<Op extends WorkerRequest['op']>(request: Extract<WorkerRequest, { op: Op }>, timeoutMs = 60_000): Promise<WorkerReplies[Op]> {
    if (this.exited) return Promise.reject(new Error('worker is not running'));
    const id = this.nextId++;
    return new Promise<WorkerReplies[Op]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker ${request.op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as WorkerReplies[Op]);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, request });
    });
  }

  /** Disconnects (the worker exits by itself), SIGKILLs its pid if it has not after 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.disconnect();
    } catch {
      // Already disconnected.
    }
    const timer = setTimeout(() => {
      if (this.child.pid !== undefined && !this.exited) process.kill(this.child.pid, 'SIGKILL');
    }, 5_000);
    await gone;
    clearTimeout(timer);
  }
}
