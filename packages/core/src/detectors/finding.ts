/**
 * One thing a detector found in a text: what it is, where it is (UTF-16 offsets, `end`
 * exclusive, so `text.slice(start, end)` is the match) and which rule found it. PII, secret,
 * injection and canary detectors all report findings of this shape, so guards, `assay guard scan`
 * and traces can treat them alike.
 */
export interface DetectorFinding {
  /** What was found: a PII entity (`email`, `credit-card`, …), a secret kind, `injection` or `canary`. */
  type: string;
  start: number;
  end: number;
  /** The rule that fired, e.g. `luhn`, `aws-access-key-id`, `ignore-previous-instructions`. */
  rule: string;
}
