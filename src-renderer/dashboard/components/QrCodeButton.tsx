import { useId, type ReactNode } from 'react';
import { QrCode } from './QrCode';

interface Props {
  /** What the code holds; null disables the button (nothing to join yet). */
  text: string | null;
  /** What it is, for accessible names ("address of this dashboard"). */
  label: string;
  /** The popover's heading ("Join from a phone"). */
  title: string;
  /** One line under the heading: who can scan it. */
  hint?: ReactNode;
  /** The button's caption; its accessible name is `title`. */
  children: ReactNode;
  className?: string;
  testId: string;
}

/**
 * A button that shows a QR code in a popover (the browser's popover: top
 * layer, so no panel clips it at any width; Escape or a click outside closes
 * it, with no script of ours). The code is small (one SVG path of ~3 KB,
 * 1.3 ms to compute for an address here), so it is rendered hidden rather
 * than on demand.
 */
export function QrCodeButton({ text, label, title, hint, children, className = 'btn', testId }: Props) {
  const id = useId();
  const titleId = `${id}-title`;
  return (
    <>
      <button type="button" className={className} popoverTarget={id} aria-label={title} title={title} disabled={text === null} data-testid={`${testId}-open`}>
        {children}
      </button>
      <div id={id} popover="auto" role="dialog" aria-labelledby={titleId} className="overlay qr-popover" data-testid={testId}>
        <div className="qr-popover-header">
          <h2 id={titleId} className="qr-popover-title">
            {title}
          </h2>
          <button type="button" className="btn btn-ghost btn-small" popoverTarget={id} popoverTargetAction="hide">
            Close
          </button>
        </div>
        {hint !== undefined && <p className="qr-popover-hint small muted">{hint}</p>}
        {text !== null && <QrCode text={text} label={label} testId={`${testId}-code`} />}
      </div>
    </>
  );
}
