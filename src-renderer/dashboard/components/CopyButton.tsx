import { useEffect, useState } from 'react';
import { copyText } from './copy-text';

interface Props {
  text: string;
  /** What is copied, for the accessible name ("Copy peer id"). */
  label: string;
  compact?: boolean;
}

/** A copy button that confirms in place ("Copied") without changing its size. */
export function CopyButton({ text, label, compact = false }: Props) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 1_500);
    return () => clearTimeout(timer);
  }, [status]);

  const onClick = async (): Promise<void> => {
    setStatus((await copyText(text)) ? 'copied' : 'failed');
  };

  const caption = status === 'copied' ? 'Copied' : status === 'failed' ? 'Select & copy' : 'Copy';
  return (
    <button
      type="button"
      className={`btn btn-ghost btn-copy${compact ? ' btn-small' : ''}`}
      data-status={status}
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
      onClick={() => void onClick()}
      disabled={text === ''}
    >
      <span aria-hidden="true" className="copy-caption">
        {caption}
      </span>
      <span className="visually-hidden" role="status">
        {status === 'copied' ? `${label} copied` : status === 'failed' ? `Could not copy the ${label}: select it and press Ctrl+C` : ''}
      </span>
    </button>
  );
}
