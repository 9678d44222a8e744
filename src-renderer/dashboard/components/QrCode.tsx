import { useMemo } from 'react';
import { CopyButton } from './CopyButton';
import { qrMatrix } from './qr-matrix';
import '../styles/qr-code.css';

interface Props {
  /** What the code holds (an address, a party code). */
  text: string;
  /** What it is, for accessible names ("address of this dashboard"). */
  label: string;
  testId?: string;
}

/**
 * A QR code with its text beside it and a copy button, so what a phone scans
 * can also be read, typed or copied. Always dark modules on white, with the
 * quiet zone, whatever the theme: phone readers look for that.
 */
export function QrCode({ text, label, testId }: Props) {
  const matrix = useMemo(() => qrMatrix(text), [text]);
  return (
    <figure className="qr-code" data-testid={testId}>
      {matrix ? (
        <svg
          className="qr-code-image"
          viewBox={`0 0 ${matrix.size} ${matrix.size}`}
          role="img"
          aria-label={`QR code of the ${label}`}
          shapeRendering="crispEdges"
          data-testid={testId && `${testId}-image`}
        >
          <rect width={matrix.size} height={matrix.size} fill="#fff" />
          <path d={matrix.path} fill="#000" />
        </svg>
      ) : (
        <p className="qr-code-missing small muted">Too long for a QR code: copy it instead.</p>
      )}
      <figcaption className="qr-code-caption">
        <code className="qr-code-text" data-testid={testId && `${testId}-text`}>
          {text}
        </code>
        <CopyButton text={text} label={label} compact />
      </figcaption>
    </figure>
  );
}
