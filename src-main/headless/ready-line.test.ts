import { describe, expect, it } from 'vitest';
import { formatReadyLine, parseReadyLine, READY_PREFIX, type HostReady } from './ready-line.js';

const ready: HostReady = {
  port: 9000,
  urls: ['http://127.0.0.1:9000/', 'http://10.77.0.2:9000/'],
  token: '0123456789abcdef0123456789abcdef',
  instance: 'a1b2c3d4e5f6',
  broker: { path: '/', key: 'peerjs' },
  games: [{ id: 'g1', name: 'Dots "2"\nline', port: 9001, url: 'http://10.77.0.2:9001/' }],
};

describe('ready line', () => {
  it('is one line a launcher parses back, whatever a game is called', () => {
    const line = formatReadyLine(ready);
    expect(line.startsWith(READY_PREFIX)).toBe(true);
    expect(line).not.toContain('\n');
    expect(parseReadyLine(`${line}\r`)).toEqual(ready);
    expect(parseReadyLine(formatReadyLine({ ...ready, broker: null, games: [] }))).toEqual({ ...ready, broker: null, games: [] });
  });

  it('ignores the human lines and malformed ready lines', () => {
    for (const line of [
      'LAN Party host running on port 9000 (instance abc, broker on path /, key peerjs)',
      '  Press Ctrl+C to stop.',
      `${READY_PREFIX}{"port":9000`,
      `${READY_PREFIX}null`,
      `${READY_PREFIX}${JSON.stringify({ ...ready, port: '9000' })}`,
      `${READY_PREFIX}${JSON.stringify({ ...ready, urls: [1] })}`,
      `${READY_PREFIX}${JSON.stringify({ ...ready, token: undefined })}`,
    ]) {
      expect(parseReadyLine(line), line).toBeNull();
    }
  });
});
