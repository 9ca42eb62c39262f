import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import fs from 'fs';
import path from 'path';

/**
 * A folder inside the task workspace. Backstage's own check refuses `..` and absolute paths (and
 * symbolic links that lead out); we also refuse the workspace root itself, which no action should
 * write over or publish wholesale.
 */
export function workspaceFolder(
  workspacePath: string,
  relativePath: string,
  what: string,
): string {
  let resolved: string;
  try {
    resolved = resolveSafeChildPath(workspacePath, relativePath);
  } catch {
    throw new InputError(
      `${what} ${JSON.stringify(
        relativePath,
      )} is outside the workspace; use a relative path such as gitops`,
    );
  }
  if (path.resolve(resolved) === path.resolve(workspacePath)) {
    throw new InputError(`${what} must be a folder inside the workspace`);
  }
  return resolved;
}

/**
 * Writes files below a folder of the workspace, creating sub-folders (paths come from the engine
 * and are checked again). Returns the written paths relative to the workspace, `/`-separated.
 */
export async function writeFiles(
  workspacePath: string,
  folder: string,
  files: Record<string, string>,
): Promise<string[]> {
  const written: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const target = resolveSafeChildPath(folder, file);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.writeFile(target, content, 'utf8');
    written.push(
      path.relative(workspacePath, target).split(path.sep).join('/'),
    );
  }
  return written;
}

/** Every regular file below a folder, by path relative to it with `/` separators. */
export async function readFiles(
  folder: string,
): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  const walk = async (dir: string) => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        throw new InputError(
          `${path.relative(
            folder,
            full,
          )} is a symbolic link; only regular files can be proposed`,
        );
      }
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile()) {
        files[path.relative(folder, full).split(path.sep).join('/')] =
          await fs.promises.readFile(full);
      }
    }
  };
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new InputError(`${folder} is not a folder`);
  }
  await walk(folder);
  return files;
}
