import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { protoDir } from './observer';

// proto/README.md: the protos are Cilium's own, copied from this module version.
const MODULE = 'github.com/cilium/cilium@v1.18.6';
const FILES = {
  'flow/flow.proto': 'api/v1/flow/flow.proto',
  'observer/observer.proto': 'api/v1/observer/observer.proto',
  'relay/relay.proto': 'api/v1/relay/relay.proto',
};

function goBinary(): string {
  const candidates = [process.env.ZT_GO, 'go', '/usr/local/go/bin/go'];
  for (const go of candidates) {
    if (!go) continue;
    try {
      execFileSync(go, ['version'], { stdio: 'ignore' });
      return go;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    "This test needs Go (on PATH, in /usr/local/go/bin or $ZT_GO) to download Cilium's module and compare its protos",
  );
}

describe('the Observer API protos shipped in proto/cilium', () => {
  it(`are byte for byte those of ${MODULE}`, () => {
    const json = execFileSync(
      goBinary(),
      ['mod', 'download', '-json', MODULE],
      {
        cwd: path.resolve(__dirname, '../../../../packages/test-cluster'),
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    const dir = JSON.parse(json).Dir as string;
    for (const [ours, theirs] of Object.entries(FILES)) {
      expect(fs.readFileSync(path.join(protoDir(), ours), 'utf8')).toBe(
        fs.readFileSync(path.join(dir, theirs), 'utf8'),
      );
    }
  }, 600_000);
});
