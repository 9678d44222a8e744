import type { ReactNode } from 'react';

interface Props {
  title: string;
  children?: ReactNode;
  /** Shows a small activity indicator (e.g. while looking for players). */
  busy?: boolean;
  testId?: string;
}

/** What an empty list says instead: what is going on and what the user can do. */
export function EmptyState({ title, children, busy = false, testId }: Props) {
  return (
    <div className="empty" data-testid={testId}>
      <p className="empty-title">
        {busy && <span className="spinner" aria-hidden="true" />}
        {title}
      </p>
      {children && <div className="empty-text">{children}</div>}
    </div>
  );
}
