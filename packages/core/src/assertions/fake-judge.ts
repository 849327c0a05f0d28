import type { GradeFunction } from '../assertion-context.ts';

/** A scripted `ctx.grade` for tests: answers each judge prompt with `reply(prompt)` and records the requests. */
export function fakeJudge(reply: string | ((prompt: string, call: number) => string), provider = 'openai:gpt-4.1-mini') {
  const calls: Array<Parameters<GradeFunction>[0]> = [];
  const grade: GradeFunction = async (request) => {
    calls.push(request);
    return { provider, text: typeof reply === 'string' ? reply : reply(request.prompt, calls.length - 1) };
  };
  return { calls, grade };
}
