import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultDataDirectory } from './data-directory.ts';

describe('defaultDataDirectory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is <cwd>/.assay without ASSAY_DATA_DIR', () => {
    vi.stubEnv('ASSAY_DATA_DIR', undefined);
    expect(defaultDataDirectory('/projects/demo')).toBe(path.join('/projects/demo', '.assay'));
  });

  it('follows ASSAY_DATA_DIR, resolving a relative one against cwd', () => {
    vi.stubEnv('ASSAY_DATA_DIR', '/var/lib/assay');
    expect(defaultDataDirectory('/projects/demo')).toBe('/var/lib/assay');
    vi.stubEnv('ASSAY_DATA_DIR', 'data');
    expect(defaultDataDirectory('/projects/demo')).toBe(path.resolve('/projects/demo', 'data'));
  });

  it('treats an empty ASSAY_DATA_DIR as unset', () => {
    vi.stubEnv('ASSAY_DATA_DIR', '');
    expect(defaultDataDirectory('/projects/demo')).toBe(path.join('/projects/demo', '.assay'));
  });
});

describe('defaultDataDirectory with an explicit environment', () => {
  it('reads ASSAY_DATA_DIR from it rather than from process.env', () => {
    vi.stubEnv('ASSAY_DATA_DIR', '/from/process');
    expect(defaultDataDirectory('/projects/demo', {})).toBe(path.join('/projects/demo', '.assay'));
    expect(defaultDataDirectory('/projects/demo', { ASSAY_DATA_DIR: 'data' })).toBe(path.resolve('/projects/demo', 'data'));
    vi.unstubAllEnvs();
  });
});
