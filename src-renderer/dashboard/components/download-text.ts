/**
 * Saves text as a file the browser downloads (UTF-8): a Blob, an object URL
 * on a temporary link, a click, and the URL revoked afterwards so the Blob's
 * copy of the data is released. Revoked after a delay, not at once: a few
 * browsers still resolve the URL after `click()` returns, and the cost of
 * waiting is one copy of at most 1 MiB (one per click) for that long.
 */
const REVOKE_AFTER_MS = 10_000;

export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

