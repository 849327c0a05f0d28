// What `import … from '@assay/cli'` gives a project that installed Assay: typed config files.
//
//   // assay.config.ts
//   import { defineConfig } from '@assay/cli';
//   export default defineConfig({ prompts: [...], providers: [...], tests: [...] });
export { defineConfig, type Suite, type SuiteInput } from '@assay/spec';
