import { createHash } from 'crypto';
import { BASELINE_CHANGELOG, BASELINE_VERSION } from './baselineVersion';
import { generateManifests } from './generateManifests';
import {
  ONLINE_BOUTIQUE_SERVICES,
  boutiqueSpec,
} from './__fixtures__/onlineBoutique';

/**
 * What the current baseline generates for the 11 Online Boutique services, as one hash. When
 * this test fails, generateManifests writes different files than the recorded baseline did, and
 * every tree generated before would be upgraded to output no changelog entry explains: add a
 * BASELINE_CHANGELOG entry (what changed and why), then put the new version and hash here.
 */
const GENERATED = {
  version: 4,
  fingerprint:
    'eb5ae8b795badfb0a1c10257b76fbafc1f06088ff71c0e0723012bf96aa75050',
};

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const name of ONLINE_BOUTIQUE_SERVICES) {
    const { files } = generateManifests(boutiqueSpec(name));
    for (const file of Object.keys(files).sort()) {
      hash.update(`${name}/${file}\0${files[file]}\0`);
    }
  }
  return hash.digest('hex');
}

describe('the baseline version', () => {
  it('numbers the changelog 1, 2, 3, … and is its last version', () => {
    expect(BASELINE_CHANGELOG.map(c => c.version)).toEqual(
      BASELINE_CHANGELOG.map((_, i) => i + 1),
    );
    expect(BASELINE_VERSION).toBe(BASELINE_CHANGELOG.at(-1)!.version);
    for (const change of BASELINE_CHANGELOG) {
      expect(change.summary).toMatch(/\.$/);
      expect(change.why).toMatch(/\.$/);
    }
  });

  it('changes whenever the generated files do', () => {
    expect({ version: BASELINE_VERSION, fingerprint: fingerprint() }).toEqual(
      GENERATED,
    );
  });
});
