/*
 * Records the Online Boutique demo state: starts the test cluster with its real producers, applies
 * examples/online-boutique/config, lets the producers run and writes what the backend reads to
 * examples/online-boutique/cluster, one file per kind. README command 1 serves that snapshot.
 *
 *   yarn workspace @zero-trust-k8s/online-boutique-demo record
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { KubernetesObject } from '@kubernetes/client-node';
import { RECORDED_DIR } from './paths';
import {
  recordOnlineBoutique,
  startOnlineBoutiqueCluster,
} from './recordOnlineBoutique';

const HEADER =
  '# Recorded from the test cluster with its real producers by\n' +
  '# `yarn workspace @zero-trust-k8s/online-boutique-demo record`; do not edit (see ../README.md).\n';

/** Writes the objects one file per kind, sorted by namespace and name, replacing older files. */
export function writeRecording(objects: KubernetesObject[], dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(dir)) {
    if (file.endsWith('.yaml')) {
      fs.rmSync(path.join(dir, file));
    }
  }
  const byKind = new Map<string, KubernetesObject[]>();
  for (const object of objects) {
    const group = object.apiVersion!.includes('/')
      ? object.apiVersion!.split('/')[0]
      : 'core';
    const file = `${group}.${object.kind!.toLowerCase()}.yaml`;
    byKind.set(file, [...(byKind.get(file) ?? []), object]);
  }
  const key = (o: KubernetesObject) =>
    `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  for (const [file, items] of byKind) {
    items.sort((a, b) => key(a).localeCompare(key(b)));
    const docs = items.map(o => yaml.stringify(o, { lineWidth: 0 }));
    fs.writeFileSync(path.join(dir, file), HEADER + docs.join('---\n'));
  }
}

async function main() {
  const log = (message: string) =>
    process.stderr.write(`online-boutique-demo: ${message}\n`);
  log('starting the test cluster with its producers');
  const cluster = await startOnlineBoutiqueCluster();
  try {
    const objects = await recordOnlineBoutique(cluster, log);
    writeRecording(objects, RECORDED_DIR);
    log(`wrote ${objects.length} objects to ${RECORDED_DIR}`);
  } finally {
    await cluster.dispose();
  }
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`online-boutique-demo: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
