import { describe, expect, it } from 'vitest';
import { detectRefusal } from './refusal.ts';

describe('detectRefusal on structured answers', () => {
  it('finds a refusal inside a JSON string field', () => {
    const answer = JSON.stringify({ answer: "I'm sorry, but I can only help with Acme Drive questions.", category: 'out_of_scope', citations: [] });
    expect(detectRefusal(answer)).toMatchObject({ refused: true });
  });

  it('does not call a helpful JSON answer a refusal', () => {
    const answer = JSON.stringify({ answer: 'Deleted files stay in Trash for 30 days [doc-6].', category: 'files', citations: ['doc-6'] });
    expect(detectRefusal(answer)).toEqual({ refused: false });
  });
});
