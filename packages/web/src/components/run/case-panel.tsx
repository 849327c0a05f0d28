import { useEffect, useRef } from 'react';
import { formatDateTime, formatDuration, formatNumber, formatScore, formatUsd, prettyJson } from '../../format.ts';
import type { CaseResult } from '../../types.ts';
import { Badge, OutcomeBadge } from '../badge.tsx';
import { caseOutcome, failedAssertions } from './outcome.ts';
import { StoredShapeNotice } from './stored-shape-notice.tsx';

interface CasePanelProps {
  result: CaseResult;
  /** Fields stored in another shape than the dashboard reads (read-run.ts). */
  problems?: readonly string[];
  onClose: () => void;
  onPrevious?: () => void;
  onNext?: () => void;
}

/**
 * One case in full: variables, the messages sent, the output, each assertion. Everything the
 * model or the dataset produced is rendered as text (React escapes it), never as HTML.
 */
export function CasePanel({ result, problems = [], onClose, onPrevious, onNext }: CasePanelProps) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, [result.key]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const variables = Object.entries(result.vars ?? {});
  const failed = result.error ? [] : failedAssertions(result);
  return (
    <div className="drawer-backdrop" onClick={onClose}>
      <aside
        ref={panel}
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-label={`Case ${result.caseId}`}
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
        data-testid="case-panel"
      >
        <header className="drawer-header">
          <div>
            <h2 className="mono-title">{result.caseId}</h2>
            <div className="meta-line">
              <OutcomeBadge outcome={caseOutcome(result)} />
              <span>
                {result.promptId} × {result.providerId}
              </span>
              {result.repeat > 0 && <span>repeat {result.repeat}</span>}
              {result.cached && <Badge tone="info">cached</Badge>}
            </div>
          </div>
          <div className="drawer-actions">
            <button type="button" className="button button-small" disabled={!onPrevious} onClick={onPrevious} aria-label="Previous case">
              ↑
            </button>
            <button type="button" className="button button-small" disabled={!onNext} onClick={onNext} aria-label="Next case">
              ↓
            </button>
            <button type="button" className="button button-small button-ghost" onClick={onClose} data-testid="case-panel-close">
              Close
            </button>
          </div>
        </header>
        <div className="drawer-body">
          <StoredShapeNotice what="this case" problems={problems} testId="case-shape-problems" />
          <dl className="facts-grid">
            <dt>Score</dt>
            <dd>{formatScore(result.score)}</dd>
            <dt>Latency</dt>
            <dd data-testid="case-latency">{formatDuration(result.latencyMs)}</dd>
            <dt>Cost</dt>
            <dd data-testid="case-cost">{formatUsd(result.cost)}</dd>
            <dt>Tokens</dt>
            <dd>
              {formatNumber(result.usage?.inputTokens)} in · {formatNumber(result.usage?.outputTokens)} out
            </dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(result.finishedAt)}</dd>
            <dt>Case index</dt>
            <dd>{formatNumber(result.caseIndex)}</dd>
          </dl>

          {result.error && (
            <section>
              <h3>Error</h3>
              <pre className="code-block code-error" data-testid="case-error">
                {result.error}
              </pre>
            </section>
          )}

          {failed.length > 0 && (
            <section>
              <h3>Why it failed</h3>
              <ol className="why-list" data-testid="case-why-failed">
                {failed.map((assertion, index) => (
                  <li key={index} data-testid="case-why-item">
                    <span className="mono strong">{assertion.type}</span>
                    {assertion.unevaluable && <span className="chip">unevaluable</span>}
                    {index === 0 && failed.length > 1 && <span className="chip">first to fail</span>}
                    <div className="wrap">{assertion.reason || <span className="muted">(no reason given)</span>}</div>
                  </li>
                ))}
              </ol>
            </section>
          )}

          <section>
            <h3>Variables</h3>
            {variables.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table className="table table-compact vars-table" data-testid="case-vars">
                <tbody>
                  {variables.map(([name, value]) => (
                    <tr key={name}>
                      <th scope="row" className="mono">
                        {name}
                      </th>
                      <td>
                        <pre className="inline-pre">{prettyJson(value)}</pre>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section>
            <h3>Output</h3>
            <pre className="code-block" data-testid="case-output">
              {result.output || <span className="muted">(empty)</span>}
            </pre>
            {result.toolCalls?.length > 0 && (
              <>
                <h4>Tool calls</h4>
                {result.toolCalls.map((call, index) => (
                  <pre key={index} className="code-block">
                    {call.toolName}({prettyJson(call.input)})
                  </pre>
                ))}
              </>
            )}
          </section>

          <section>
            <h3>Assertions</h3>
            {result.assertions.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table className="table table-compact" data-testid="case-assertions">
                <thead>
                  <tr>
                    <th>Result</th>
                    <th>Type</th>
                    <th className="num">Score</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {result.assertions.map((assertion, index) => (
                    <tr key={index} data-testid="assertion-row" data-pass={assertion.pass ? 'true' : 'false'}>
                      <td>
                        <Badge tone={assertion.unevaluable ? 'warn' : assertion.pass ? 'good' : 'bad'}>
                          {assertion.unevaluable ? 'unevaluable' : assertion.pass ? 'pass' : 'fail'}
                        </Badge>
                      </td>
                      <td className="nowrap">
                        <span className="mono">{assertion.type}</span>
                        {assertion.metric && <span className="chip">{assertion.metric}</span>}
                        {assertion.required && <span className="chip">required</span>}
                      </td>
                      <td className="num">{formatScore(assertion.score)}</td>
                      <td className="wrap">
                        {assertion.reason}
                        {assertion.judge?.reasoning && (
                          <details>
                            <summary>Judge ({assertion.judge.provider})</summary>
                            <pre className="inline-pre">{assertion.judge.reasoning}</pre>
                          </details>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          {result.messages?.length > 0 && (
            <section>
              <h3>Messages sent</h3>
              {result.messages.map((message, index) => (
                <div key={index} className="message">
                  <div className="message-role">{message.role}</div>
                  <pre className="code-block">{message.content}</pre>
                </div>
              ))}
            </section>
          )}
        </div>
      </aside>
    </div>
  );
}
