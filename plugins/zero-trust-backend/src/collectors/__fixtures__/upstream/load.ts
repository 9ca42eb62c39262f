import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { KubeObject } from '../../../sources/types';

/** The objects of an upstream-copied YAML fixture (`<tool>/<file>`), each document one object. */
export function loadUpstream(file: string): KubeObject[] {
  // Test data next to this file, read by tests only (never part of a build).
  // eslint-disable-next-line no-restricted-syntax
  const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
  return YAML.parseAllDocuments(text)
    .map(doc => doc.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object');
}

/** The one object of an upstream-copied YAML fixture. */
export function loadOne(file: string): KubeObject {
  const [first] = loadUpstream(file);
  if (!first) throw new Error(`no object in ${file}`);
  return first;
}
