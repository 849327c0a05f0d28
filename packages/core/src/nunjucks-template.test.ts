import { describe, expect, it } from 'vitest';
import { ConfigError } from '@assay/spec';
import { compileNunjucks, renderVarTemplates, resolveVarReferences } from './nunjucks-template.ts';

const where = { file: 'prompts/p.txt' };
const render = (source: string, vars: Record<string, unknown> = {}) => compileNunjucks(source, where).render(vars);
const errorOf = (source: string): ConfigError => {
  try {
    compileNunjucks(source, where);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`compiled: ${source}`);
};

describe('compileNunjucks', () => {
  it('renders the Nunjucks promptfoo prompts use: filters, if/elif/else, for with loop, set, comments', () => {
    expect(render('Product: {{ product | upper }}', { product: 'tea' })).toBe('Product: TEA');
    expect(render('{% if premium %}Priority: {% elif trial %}Trial: {% else %}{% endif %}{{ issue }}', { trial: true, issue: 'x' })).toBe('Trial: x');
    expect(render('{% for m in items %}{{ loop.index }}.{{ m }} {% endfor %}', { items: ['a', 'b'] })).toBe('1.a 2.b ');
    expect(render('{% set who = name | title %}Hi {{ who }}{# not sent #}!', { name: 'ada lovelace' })).toBe('Hi Ada Lovelace!');
    expect(render('{{ messages | dump }}', { messages: [{ role: 'user', content: 'a "b"' }] })).toBe('[{"role": "user", "content": "a \\"b\\""}]');
    expect(render('{{ tags | join(", ") }} {{ missing | default("none") }}', { tags: ['x', 'y'] })).toBe('x, y none');
  });

  it('keeps the text as written: no trimming, blank lines and the final newline kept', () => {
    expect(render('  lead\n{{ a }}\n\n', { a: 'v' })).toBe('  lead\nv\n\n');
    expect(render('{% if a %}\nyes\n{% endif %}\n', { a: true })).toBe('\nyes\n\n');
  });

  it('reaches no JavaScript object: constructors and prototypes are undefined, no code runs', () => {
    expect(render('[{{ x.constructor }}][{{ x.__proto__ }}][{{ "".constructor }}]', { x: {} })).toBe('[][][]');
    expect(() => render('{{ x.constructor.constructor("return process")() }}', { x: {} })).toThrow(/Cannot render the template/);
  });

  it('lists the vars printed for sure, not those under if or for, defaulted, or set', () => {
    const template = compileNunjucks('{{ name }} {{ user.email | lower }} {% if vip %}{{ perk }}{% endif %}{% for x in xs %}{{ x }}{% endfor %}{{ a | default("b") }}{% set s = 1 %}{{ s }}', where);
    expect(template.variables).toEqual(['name', 'user']);
  });

  it('refuses what it cannot render at load, with the line and a hint', () => {
    expect(errorOf('one\n{% include "x.txt" %}')).toMatchObject({ message: 'Template tag {% include %} is not available in Assay\'s templates', file: 'prompts/p.txt', line: 2 });
    expect(errorOf('a\nb\n{{ name | shout }}')).toMatchObject({ message: 'Filter "shout" is not available in Assay\'s templates', line: 3 });
    expect(errorOf('a\n{% if x %}\nno end')).toMatchObject({ message: '{% if %} is never closed', line: 2 });
    expect(errorOf('{% for x in y %}{% endif %}')).toMatchObject({ message: '{% endif %} without a matching {% if %}', line: 1 });
    expect(errorOf('{{ range(3) }}').message).toBe('Function "range()" is not available in templates');
    expect(errorOf('{{ a }').message).toMatch(/^Cannot parse the template/);
    expect(() => compileNunjucks('x\n{% if a %}', { file: 'c.yaml', lineOffset: 10 })).toThrow(expect.objectContaining({ line: 12 }));
  });
});

describe("promptfoo's var rules", () => {
  it('drops one final newline of each text var and fills {{ name }} in vars from the other vars', () => {
    expect(resolveVarReferences({ a: 'x\n\n', b: 1 })).toEqual({ a: 'x\n', b: 1 });
    expect(resolveVarReferences({ q: 'about {{ topic }}', topic: 'cats of {{place}}', place: 'Rome' })).toEqual({ q: 'about cats of Rome', topic: 'cats of Rome', place: 'Rome' });
    // The first placeholder of a var names no var: promptfoo leaves that var as it is.
    expect(resolveVarReferences({ q: '{{ nope }} {{ topic }}', topic: 't' })).toEqual({ q: '{{ nope }} {{ topic }}', topic: 't' });
    // Five passes at most: a var that names itself (doubling each pass, as in promptfoo) stops.
    expect(resolveVarReferences({ a: '{{ a }}!' }).a).toBe(`{{ a }}${'!'.repeat(32)}`);
  });

  it('renders vars that are templates with the other vars; one that does not parse is kept as written', () => {
    expect(renderVarTemplates({ q: 'about {{ topic | upper }}', topic: 'cats' }, where)).toEqual({ q: 'about CATS', topic: 'cats' });
    expect(renderVarTemplates({ code: 'const t = "{{";', n: 2 }, where)).toEqual({ code: 'const t = "{{";', n: 2 });
  });
});
