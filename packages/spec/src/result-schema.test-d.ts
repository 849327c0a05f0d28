import { expectTypeOf } from 'vitest';
import type { z } from 'zod';
import type { AssertionResult } from './assertion.ts';
import type { CaseResult, RunRecord, RunStatus, RunSummary } from './result.ts';
import type { AssertionResultSchema, CaseResultSchema, RunRecordSchema, RunStatusSchema, RunSummarySchema, RunUploadSchema } from './result-schema.ts';

// The upload schemas are strict, so a field added to an interface but not to its schema would make
// the server refuse every upload that has it. `tsc -p .` checks this file: keep the two equal.
expectTypeOf<z.infer<typeof AssertionResultSchema>>().toEqualTypeOf<AssertionResult>();
expectTypeOf<z.infer<typeof CaseResultSchema>>().toEqualTypeOf<CaseResult>();
expectTypeOf<z.infer<typeof RunSummarySchema>>().toEqualTypeOf<RunSummary>();
expectTypeOf<z.infer<typeof RunStatusSchema>>().toEqualTypeOf<RunStatus>();
expectTypeOf<z.infer<typeof RunRecordSchema>>().toEqualTypeOf<RunRecord>();
expectTypeOf<z.infer<typeof RunUploadSchema>>().toEqualTypeOf<Omit<RunRecord, 'projectId'>>();
