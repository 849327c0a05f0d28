// Builds the dashboard into packages/web/dist, which @assay/server serves at `/` under a strict
// Content-Security-Policy (`default-src 'self'`): everything must be an external file, so no
// inline scripts or <style> elements are emitted (React style props use the CSSOM and are fine).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  publicDir: resolve(root, 'public'),
  plugins: [react()],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    // Inlined assets would be data: URLs, which the CSP's default-src 'self' blocks.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
