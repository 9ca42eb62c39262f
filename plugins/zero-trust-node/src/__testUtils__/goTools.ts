import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

/** scripts/go-tools.sh of this repository. */
export const GO_TOOLS_SCRIPT = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'scripts',
  'go-tools.sh',
);

/**
 * The path of a Go tool that scripts/go-tools.sh pins (`kustomize`, `kyverno`), found by running
 * the script in check mode (`ZT_GO_TOOLS_CHECK=1`): it needs Go, prints the tools' cache dir and
 * fails when the tool is not built or not at the pinned version, without starting a build.
 *
 * Tests that need the tool call this and fail, never skip, when it throws: the error says how to
 * install the tool.
 */
export async function requireGoTool(tool: string): Promise<string> {
  const hint = `run \`ZT_GO_TOOLS=${tool} scripts/go-tools.sh\` (needs Go 1.24+) to build the pinned ${tool}`;
  let binDir: string;
  try {
    const { stdout } = await run('bash', [GO_TOOLS_SCRIPT], {
      env: { ...process.env, ZT_GO_TOOLS: tool, ZT_GO_TOOLS_CHECK: '1' },
    });
    binDir = stdout.trim();
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? e).trim();
    throw new Error(`${tool} is not available: ${hint}.\n${stderr}`);
  }
  const binary = path.join(binDir, tool);
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(`${binary} is not an executable: ${hint}.`);
  }
  return binary;
}
