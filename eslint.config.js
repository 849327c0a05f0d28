// Package boundaries and cycles are enforced here, not by memory (see ARCHITECTURE.md).
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/** What each package may import, left to right in the architecture table. */
const allowed = {
  spec: [],
  core: ['spec'],
  providers: ['spec', 'core'],
  store: ['spec'],
  runner: ['spec', 'core', 'providers', 'store'],
  server: ['spec', 'core', 'store', 'runner'],
  cli: ['spec', 'core', 'providers', 'store', 'runner', 'server', 'sdk'],
  // The dashboard's browser code imports types only; its end-to-end tests start the server.
  web: ['spec', 'store', 'server'],
  // What apps import at run time: small, so nothing heavier than core.
  sdk: ['spec', 'core'],
};
const all = Object.keys(allowed);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.assay/**', 'packages/web/dist/**', 'packages/cli/dist/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import/no-cycle': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only packages/cli/bin/assay.js ends the process; throw or return an exit code.' }],
    },
  },
  {
    // Tests read wire payloads of any shape.
    files: ['**/*.test.ts', 'packages/*/src/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Benchmarks and maintenance scripts are programs of their own.
    files: ['bench/**/*.ts', 'packages/*/scripts/**/*.ts', 'packages/cli/demo/scripts/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  ...Object.entries(allowed).map(([name, dependencies]) => ({
    files: [`packages/${name}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: all
            .filter((other) => other !== name && !dependencies.includes(other))
            .map((other) => ({ group: [`@assay/${other}`, `@assay/${other}/*`], message: `${name} may import only ${dependencies.join(', ') || 'nothing from @assay'}` })),
        },
      ],
    },
  })),
);
