import Handlebars from 'handlebars';
import { modelGradedTypes, type Assertion, type AssertionType } from '@assay/spec';

const templateCache = new Map<string, HandlebarsTemplateDelegate>();

/**
 * promptfoo renders `{{var}}` inside assertion values with the case's vars (e.g. `contains: "{{answer}}"`).
 * Values without `{{` are returned untouched, so the common case costs nothing.
 */
export function renderAssertionValue(assertion: Assertion, vars: Record<string, unknown>): Assertion {
  // An assert-set's assertions are rendered one by one; the set itself has no value.
  if (Array.isArray(assertion.assert)) {
    const children = assertion.assert.map((child) => renderAssertionValue(child, vars));
    return children.every((child, index) => child === assertion.assert![index]) ? assertion : { ...assertion, assert: children };
  }
  const value = assertion.value;
  if (typeof value === 'string' && value.includes('{{') && assertion.type.replace(/^not-/, '') !== 'javascript') {
    return { ...assertion, value: render(value, vars) };
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes('{{'))) {
    return { ...assertion, value: value.map((item) => (typeof item === 'string' ? render(item, vars) : item)) };
  }
  // Judge prompts are text for a model: strings anywhere in their value may use the case's vars
  // (`pairwise: { reference: "{{answer}}" }`, a judge file's `value: "{{reference}}"`).
  if (typeof value === 'object' && value !== null && hasTemplate(value) && modelGradedTypes.includes(assertion.type.replace(/^not-/, '') as AssertionType)) {
    return { ...assertion, value: renderDeep(value, vars) };
  }
  return assertion;
}

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasTemplate);
  return false;
}

function renderDeep(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.includes('{{') ? render(value, vars) : value;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, vars)]));
  return value;
}

function render(template: string, vars: Record<string, unknown>): string {
  let compiled = templateCache.get(template);
  if (!compiled) {
    compiled = Handlebars.compile(template, { noEscape: true, strict: false });
    templateCache.set(template, compiled);
  }
  return compiled(vars);
}
