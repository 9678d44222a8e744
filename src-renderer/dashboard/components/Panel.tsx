import type { ReactNode } from 'react';

interface Props {
  id: string;
  title: string;
  /** A short live summary next to the title ("2 connected"). */
  summary?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled dashboard section; its heading names the region for screen readers. */
export function Panel({ id, title, summary, actions, className, children }: Props) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={`${id}-title`} data-testid={`panel-${id}`} id={id} tabIndex={-1}>
      <header className="panel-header">
        <h2 id={`${id}-title`} className="panel-title">
          {title}
        </h2>
        {summary !== undefined && <span className="panel-summary">{summary}</span>}
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
