import { gitDiff, gitMergeFile } from './gitMergeFile';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const BASE = lines('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');

describe('gitMergeFile', () => {
  it('merges changes to different lines', async () => {
    await expect(
      gitMergeFile({
        base: { label: 'base', text: BASE },
        ours: { label: 'ours', text: BASE.replace('b\n', 'b2\n') },
        theirs: { label: 'theirs', text: BASE.replace('h\n', 'h2\n') },
      }),
    ).resolves.toEqual({
      text: lines('a', 'b2', 'c', 'd', 'e', 'f', 'g', 'h2'),
      conflicts: 0,
    });
  });

  it('takes a change made on both sides once', async () => {
    const both = BASE.replace('d\n', 'd2\n');
    await expect(
      gitMergeFile({
        base: { label: 'base', text: BASE },
        ours: { label: 'ours', text: both },
        theirs: { label: 'theirs', text: both },
      }),
    ).resolves.toEqual({ text: both, conflicts: 0 });
  });

  it('counts conflicts and marks them with the labels', async () => {
    const result = await gitMergeFile({
      base: { label: 'generated: x.yaml', text: BASE },
      ours: {
        label: 'yours: x.yaml',
        text: BASE.replace('b\n', 'mine\n').replace('g\n', 'mine\n'),
      },
      theirs: {
        label: 'baseline 4: x.yaml',
        text: BASE.replace('b\n', 'new\n').replace('g\n', 'new\n'),
      },
    });
    expect(result.conflicts).toBe(2);
    expect(result.text).toContain(
      '<<<<<<< yours: x.yaml\nmine\n=======\nnew\n>>>>>>> baseline 4: x.yaml\n',
    );
  });
});

describe('gitDiff', () => {
  it('is empty for equal texts', async () => {
    await expect(
      gitDiff({ label: 'a', text: BASE }, { label: 'b', text: BASE }),
    ).resolves.toBe('');
  });

  it('prints the hunks under the labels', async () => {
    await expect(
      gitDiff(
        { label: 'before', text: BASE },
        { label: 'after', text: BASE.replace('h\n', 'h2\n') },
      ),
    ).resolves.toBe(
      '--- before\n+++ after\n@@ -5,4 +5,4 @@ d\n e\n f\n g\n-h\n+h2\n',
    );
  });
});
