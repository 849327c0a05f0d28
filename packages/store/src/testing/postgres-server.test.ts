import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries } from './postgres-server.ts';

describe('findPostgresBinaries', () => {
  it('says how to install PostgreSQL when it is missing, rather than letting tests skip', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-no-pg-'));
    try {
      expect(() => findPostgresBinaries(empty, path.join(empty, 'usr-lib-postgresql'))).toThrow(/apt-get install postgresql/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('looks in /usr/lib/postgresql/<version>/bin, newest version first', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-fake-pg-'));
    try {
      for (const version of ['9.6', '15', '16']) {
        const bin = path.join(root, version, 'bin');
        fs.mkdirSync(bin, { recursive: true });
        for (const program of ['initdb', 'pg_ctl']) fs.writeFileSync(path.join(bin, program), '#!/bin/sh\n', { mode: 0o755 });
      }
      expect(findPostgresBinaries('', root)).toBe(path.join(root, '16', 'bin'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
