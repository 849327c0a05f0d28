// @assay/sdk: the code a team ships in its app (issue 12). Each surface lives in its own folder:
// prompts/ (registry client), guard/ (guardrails), tracing/ (OpenTelemetry), contract/ (generate).
export {};
