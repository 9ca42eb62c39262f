import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { harnessBinary } from './TestCluster';

describe('harnessBinary', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails with a clear message, never a skip, when Go is missing', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-no-go-'));
    process.env.ZT_CACHE_DIR = cache; // nothing built here yet
    process.env.ZT_GO = path.join(cache, 'no-go-here');
    await expect(harnessBinary()).rejects.toThrow(
      /Go 1\.26\+ is needed to build the kube-apiserver harness/,
    );
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it(
    'returns the cached binary built from the current sources',
    async () => {
      const bin = await harnessBinary();
      expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
      expect(bin).toMatch(/test-cluster\/[0-9a-f]{16}\/test-cluster$/);
    },
    40 * 60_000,
  );
});
