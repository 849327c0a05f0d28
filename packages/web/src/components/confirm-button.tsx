import { useState } from 'react';

interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** The question shown after the first click, e.g. "Revoke this key?". */
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  testId?: string;
  tone?: 'danger' | 'default';
}

/**
 * A destructive action in two clicks, asked inline instead of with `window.confirm` (which
 * automated browsers dismiss): the first click shows the question, "Confirm" performs it.
 */
export function ConfirmButton({ label, question, onConfirm, disabled, testId, tone = 'danger' }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const className = tone === 'danger' ? 'button button-danger button-small' : 'button button-small';
  if (!asking) {
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)} data-testid={testId}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={className}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
      >
        Confirm
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
