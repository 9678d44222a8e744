/**
 * What a bench instance does for the bench page that frames it (issue 12;
 * messages: BenchFrameMessage / BenchParentMessage in game-agent-protocol.ts),
 * installed by the agent before the game's scripts, on a bench instance only:
 *
 * - Focus keys: F8 / Shift+F8 post focus-next / focus-previous to the parent;
 *   the game never sees the key (the agent's capture listener on window is
 *   registered first and stops it).
 * - Gamepads: `navigator.getGamepads()` returns no pads while this document
 *   does not have focus, so only the focused instance reads the pad.
 * - Size: the largest canvas's size, posted once it exists and on change
 *   (at most BENCH_LIMITS.maxSizePosts posts), for the tile's aspect ratio.
 * - Mute, from the parent only: media elements (present and future) muted,
 *   and Web Audio silenced by a gain node between each AudioContext and its
 *   destination. Not `suspend()`: a suspended context stops its clock
 *   (currentTime), which games schedule music and effects by, and many
 *   engines call resume() on the next input, which would undo the mute.
 */
import { BENCH_LIMITS, type BenchFrameMessage, type BenchParentMessage } from '../../src-preload/game-agent-protocol.js';

/** How often the canvas size is checked (cheap: one live collection, a few numbers). */
const SIZE_CHECK_MS = 500;
/** Media elements muted by us and restored on unmute; past this the oldest stays muted (a game making a new Audio per sound). */
const MAX_TRACKED_MEDIA = 512;

/** The focus message for a key event, or null when the key is not F8. */
export function focusMessageFor(event: { key: string; shiftKey: boolean }): BenchFrameMessage | null {
  if (event.key !== 'F8') return null;
  return { lanParty: event.shiftKey ? 'focus-previous' : 'focus-next' };
}

/** A parent message the instance understands, or null. */
export function parseParentMessage(data: unknown): BenchParentMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.lanParty === 'mute' && typeof message.muted === 'boolean') return { lanParty: 'mute', muted: message.muted };
  return null;
}

export interface BenchFrame {
  readonly muted: boolean;
}

export function installBenchFrame(win: Window & typeof globalThis): BenchFrame {
  const parent = win.parent;
  const post = (message: BenchFrameMessage): void => {
    // The bench page is the host's own page, on an origin the game does not know: nothing secret is said.
    if (parent !== win) parent.postMessage(message, '*');
  };

  // Focus keys: capture on window, registered before any script of the game's.
  const onKey = (event: KeyboardEvent): void => {
    const message = focusMessageFor(event);
    if (!message) return;
    event.stopImmediatePropagation();
    event.preventDefault();
    if (event.type === 'keydown' && !event.repeat) post(message);
  };
  for (const type of ['keydown', 'keyup', 'keypress']) win.addEventListener(type, onKey as EventListener, { capture: true });

  // Gamepads: only the focused instance reads them.
  const navigatorProto = Object.getPrototypeOf(win.navigator) as { getGamepads?: () => (Gamepad | null)[] };
  const nativeGamepads = navigatorProto.getGamepads;
  if (typeof nativeGamepads === 'function') {
    Object.defineProperty(win.navigator, 'getGamepads', {
      configurable: true,
      writable: true,
      value: function getGamepads(): (Gamepad | null)[] {
        return win.document.hasFocus() ? nativeGamepads.call(win.navigator) : [];
      },
    });
  }

  // Size of the main canvas.
  let posts = 0;
  let last = '';
  const canvases = win.document.getElementsByTagName('canvas');
  const sizeTimer = setInterval(() => {
    let best: HTMLCanvasElement | null = null;
    for (const canvas of Array.from(canvases).slice(0, 64)) if (!best || canvas.width * canvas.height > best.width * best.height) best = canvas;
    if (!best || best.width === 0 || best.height === 0) return;
    const key = `${best.width}x${best.height}`;
    if (key === last) return;
    last = key;
    posts += 1;
    post({ lanParty: 'size', width: best.width, height: best.height });
    if (posts >= BENCH_LIMITS.maxSizePosts) clearInterval(sizeTimer);
  }, SIZE_CHECK_MS);

  // Mute.
  let muted = false;
  const mutedMedia = new Set<HTMLMediaElement>();
  const muteMedia = (element: HTMLMediaElement): void => {
    if (element.muted || mutedMedia.has(element)) return;
    element.muted = true;
    mutedMedia.add(element);
    if (mutedMedia.size > MAX_TRACKED_MEDIA) mutedMedia.delete(mutedMedia.values().next().value as HTMLMediaElement);
  };
  const nativePlay = win.HTMLMediaElement.prototype.play;
  win.HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
    // Future media elements, in the page or not (new Audio()): muted when they start playing.
    if (muted) muteMedia(this);
    return nativePlay.call(this);
  };
  const gains = new Map<BaseAudioContext, GainNode>();
  const AudioNodeProto = typeof win.AudioNode === 'function' ? win.AudioNode.prototype : null;
  if (AudioNodeProto && typeof win.AudioContext === 'function') {
    const nativeConnect = AudioNodeProto.connect as (this: AudioNode, destination: AudioNode | AudioParam, ...rest: number[]) => AudioNode | undefined;
    const nativeDisconnect = AudioNodeProto.disconnect as (this: AudioNode, ...args: unknown[]) => void;
    const gainOf = (destination: AudioNode | AudioParam): GainNode | null => {
      if (!(destination instanceof win.AudioDestinationNode)) return null;
      const context = destination.context;
      // An offline context renders to a buffer, not the speakers: left alone.
      if (typeof win.OfflineAudioContext === 'function' && context instanceof win.OfflineAudioContext) return null;
      let gain = gains.get(context);
      if (!gain) {
        for (const [old] of gains) if (old.state === 'closed') gains.delete(old);
        gain = context.createGain();
        gain.gain.value = muted ? 0 : 1;
        nativeConnect.call(gain, destination);
        gains.set(context, gain);
      }
      return gain;
    };
    // The game still connects to (and sees) the real destination; the sound goes through our gain to it.
    AudioNodeProto.connect = function connect(this: AudioNode, destination: AudioNode | AudioParam, ...rest: number[]) {
      const gain = gainOf(destination);
      if (!gain) return nativeConnect.call(this, destination, ...rest);
      nativeConnect.call(this, gain, ...rest);
      return destination;
    } as typeof AudioNodeProto.connect;
    AudioNodeProto.disconnect = function disconnect(this: AudioNode, ...args: unknown[]) {
      const first = args[0];
      const gain = first instanceof win.AudioDestinationNode ? gains.get(first.context) : undefined;
      return nativeDisconnect.call(this, ...(gain ? [gain, ...args.slice(1)] : args));
    } as typeof AudioNodeProto.disconnect;
  }
  const setMuted = (value: boolean): void => {
    muted = value;
    if (muted) for (const element of Array.from(win.document.querySelectorAll('audio, video')).slice(0, MAX_TRACKED_MEDIA)) muteMedia(element as HTMLMediaElement);
    else {
      for (const element of mutedMedia) element.muted = false;
      mutedMedia.clear();
    }
    for (const gain of gains.values()) gain.gain.value = muted ? 0 : 1;
  };
  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent || parent === win) return;
    const message = parseParentMessage(event.data);
    if (message) setMuted(message.muted);
  });

  return {
    get muted() {
      return muted;
    },
  };
}
