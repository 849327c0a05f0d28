import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * For tests: a fresh folder per test, removed after it. `write` puts files in it (folders made as
 * needed); `path` is where the folder is now.
 */
export function useTemporaryFolder(prefix: string): { readonly path: string; write(files: Record<string, string>): void } {
  let folder = '';
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  return {
    get path() {
      return folder;
    },
    write(files) {
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
        writeFileSync(path.join(folder, name), content);
      }
    },
  };
}
