import Handlebars from 'handlebars';
import type { Assertion } from '@assay/spec';

const templateCache = new Map<string, HandlebarsTemplateDelegate>();

/**
 * promptfoo renders `{{var}}` inside assertion values with the case's vars (e.g. `contains: "{{answer}}"`).
 * Values without `{{` are returned untouched, so the common case costs nothing.
 */
export function renderAssertionValue(assertion: Assertion, vars: Record<string, unknown>): Assertion {
  const value = assertion.value;
  if (typeof value === 'string' && value.includes('{{') && assertion.type.replace(/^not-/, '') !== 'javascript') {
    return { ...assertion, value: render(value, vars) };
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes('{{'))) {
    return { ...assertion, value: value.map((item) => (typeof item === 'string' ? render(item, vars) : item)) };
  }
  return assertion;
}

function render(template: string, vars: Record<string, unknown>): string {
  let compiled = templateCache.get(template);
  if (!compiled) {
    compiled = Handlebars.compile(template, { noEscape: true, strict: false });
    templateCache.set(template, compiled);
  }
  return compiled(vars);
}
