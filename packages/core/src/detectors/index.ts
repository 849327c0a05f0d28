export { findCanaries } from './canary.ts';
export { detectPii, piiKinds, type PiiKind, type PiiMatch } from './pii.ts';
export { headerSecrets, redactionMarker, redactSecrets, urlSecrets } from './redact-secrets.ts';
export { detectRefusal, type RefusalDetection } from './refusal.ts';
