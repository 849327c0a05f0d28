// Regenerates suite.schema.json from the zod schema: `npm run build:schema`.
import { writeFileSync } from 'node:fs';
import { suiteJsonSchema } from '../src/suite-json-schema.ts';

writeFileSync(new URL('../suite.schema.json', import.meta.url), `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`);
