import type { ReactNode } from 'react';

export type Tone = 'ok' | 'busy' | 'warn' | 'danger' | 'neutral';

interface Props {
  tone: Tone;
  children: ReactNode;
  testId?: string;
  title?: string;
}

/** A coloured dot and a word; the word carries the meaning, the colour only repeats it. */
export function StatusPill({ tone, children, testId, title }: Props) {
  return (
    <span className={`pill pill-${tone}`} data-testid={testId} title={title}>
      <span className="pill-dot" aria-hidden="true" />
      {children}
    </span>
  );
}
