/**
 * Watches a hosted game's folder for live reload (issue 12): one callback
 * DEBOUNCE_MS after the last change of a burst (an editor's save, a build
 * writing many files), ignoring dotfiles and editor temporary files.
 *
 * `fs.watch(..., { recursive: true })` works on Linux since Node 19.1 (checked
 * on this machine, Node 20.20: a file written in a subfolder created after the
 * watch started is reported). Where it fails (an old Node, or inotify's watch
 * limit reached: ENOSPC), a poll of the folder's file sizes and times takes
 * over, bounded in files and depth.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Quiet time after the last change before the reload (an editor's save is several writes within ~50 ms). */
export const DEBOUNCE_MS = 300;
/** The poll fallback: interval, and files and folder depth it looks at (a game folder past this is watched in part). */
export const POLL_INTERVAL_MS = 1_000;
export const POLL_MAX_FILES = 5_000;
export const POLL_MAX_DEPTH = 8;

/** Dotfiles and dot-folders (.git, .DS_Store), editor temporaries (vim's .swp/.swx/4913, emacs' #x# and x~, *.tmp). */
export function isIgnoredChange(relative: string): boolean {
  const parts = relative.split(/[\\/]/).filter((part) => part !== '');
  if (parts.length === 0) return false;
  if (parts.some((part) => part.startsWith('.') || part === 'node_modules')) return true;
  const name = parts[parts.length - 1] ?? '';
  return name.endsWith('~') || /\.(swp|swx|tmp|crdownload|part)$/i.test(name) || /^#.*#$/.test(name) || name === '4913';
}

export class FolderWatcher {
  private watcher: fs.FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private signature = '';
  private closed = false;

  constructor(
    private readonly folder: string,
    private readonly onChange: () => void,
  ) {
    try {
      this.watcher = fs.watch(folder, { recursive: true, persistent: false }, (_event, file) => {
        if (file === null || !isIgnoredChange(String(file))) this.changed();
      });
      this.watcher.on('error', () => this.fallBack());
    } catch {
      this.fallBack();
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.poll = null;
    this.debounce = null;
  }

  private changed(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (!this.closed) this.onChange();
    }, DEBOUNCE_MS);
    this.debounce.unref();
  }

  private fallBack(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.closed || this.poll) return;
    this.signature = scan(this.folder);
    this.poll = setInterval(() => {
      const now = scan(this.folder);
      if (now === this.signature) return;
      this.signature = now;
      this.changed();
    }, POLL_INTERVAL_MS);
    this.poll.unref();
  }
}

/** Sizes and modification times of the folder's files (not ignored ones), bounded; as one comparable string. */
function scan(root: string): string {
  const parts: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (parts.length >= POLL_MAX_FILES) return;
      const full = path.join(dir, entry.name);
      if (isIgnoredChange(path.relative(root, full))) continue;
      if (entry.isDirectory()) {
        if (depth < POLL_MAX_DEPTH) walk(full, depth + 1);
        continue;
      }
      try {
        const stat = fs.statSync(full);
        parts.push(`${full}:${stat.size}:${stat.mtimeMs}`);
      } catch {
        // Gone meanwhile: the next scan sees it missing.
      }
    }
  };
  walk(root, 0);
  return parts.join('\n');
}
