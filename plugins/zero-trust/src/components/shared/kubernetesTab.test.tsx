import { Entity } from '@backstage/catalog-model';
import {
  AppNode,
  AppTree,
  appTreeApiRef,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { findKubernetesTab, useKubernetesTabLink } from './kubernetesTab';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'adservice', namespace: 'default', annotations },
});
const annotated = entity({ 'backstage.io/kubernetes-id': 'adservice' });

/** An app tree node as the new frontend system instantiates it. */
function node(
  pluginId: string,
  data: { title?: string; path?: string; filter?: (e: Entity) => boolean },
  instantiated = true,
): AppNode {
  const values = new Map<string, unknown>([
    [EntityContentBlueprint.dataRefs.title.id, data.title],
    [coreExtensionData.routePath.id, data.path],
    [EntityContentBlueprint.dataRefs.filterFunction.id, data.filter],
  ]);
  return {
    spec: { id: `entity-content:${pluginId}`, plugin: { pluginId } },
    edges: { attachments: new Map() },
    instance: instantiated
      ? {
          getDataRefs: () => [],
          getData: (ref: { id: string }) => values.get(ref.id),
        }
      : undefined,
  } as unknown as AppNode;
}

const tree = (...nodes: AppNode[]): AppTree =>
  ({
    root: nodes[0],
    nodes: new Map(nodes.map((n, i) => [`${n.spec.id}-${i}`, n])),
    orphans: [],
  } as unknown as AppTree);

const kubernetesTab = node('kubernetes', {
  title: 'Kubernetes',
  path: '/kubernetes',
  filter: e => Boolean(e.metadata.annotations?.['backstage.io/kubernetes-id']),
});

describe('findKubernetesTab', () => {
  it('finds the path of the kubernetes plugin tab that shows for the entity', () => {
    const other = node('zero-trust', { title: 'Zero Trust', path: '/zt' });
    expect(findKubernetesTab(tree(other, kubernetesTab), annotated)).toBe(
      '/kubernetes',
    );
  });

  it('follows a path the app moved the tab to', () => {
    const moved = node('kubernetes', {
      title: 'Cluster',
      path: '/cluster',
      filter: () => true,
    });
    expect(findKubernetesTab(tree(moved), annotated)).toBe('/cluster');
  });

  it('finds nothing when the tab does not show for the entity, is disabled or is not a tab', () => {
    expect(findKubernetesTab(tree(kubernetesTab), entity())).toBeUndefined();
    const disabled = node(
      'kubernetes',
      { title: 'Kubernetes', path: '/kubernetes' },
      false,
    );
    expect(findKubernetesTab(tree(disabled), annotated)).toBeUndefined();
    // The kubernetes plugin's APIs are nodes too; they have no tab title.
    const api = node('kubernetes', {});
    expect(findKubernetesTab(tree(api), annotated)).toBeUndefined();
  });

  it('falls back to the kubernetes annotations for a tab without a filter function', () => {
    const unfiltered = node('kubernetes', {
      title: 'Kubernetes',
      path: '/kubernetes',
    });
    expect(findKubernetesTab(tree(unfiltered), annotated)).toBe('/kubernetes');
    expect(findKubernetesTab(tree(unfiltered), entity())).toBeUndefined();
    expect(
      findKubernetesTab(
        tree(unfiltered),
        entity({ 'backstage.io/kubernetes-label-selector': 'app=ad' }),
      ),
    ).toBe('/kubernetes');
  });
});

// Not `path`: the test app reads a `path` prop as a route.
function Probe(props: { entity: Entity; tabPath?: string | false }) {
  const link = useKubernetesTabLink(props.entity, props.tabPath);
  return <span data-testid="link">{link ?? 'none'}</span>;
}

const renderProbe = (probe: JSX.Element, appTree?: AppTree, routes = true) =>
  renderInTestApp(
    appTree ? (
      <TestApiProvider
        apis={[[appTreeApiRef, { getTree: () => ({ tree: appTree }) }]]}
      >
        {probe}
      </TestApiProvider>
    ) : (
      probe
    ),
    routes
      ? { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } }
      : {},
  );

describe('useKubernetesTabLink', () => {
  it('links to the tab the app tree has for the entity, under the entity page', async () => {
    await renderProbe(<Probe entity={annotated} />, tree(kubernetesTab));
    expect(screen.getByTestId('link')).toHaveTextContent(
      '/catalog/default/component/adservice/kubernetes',
    );
  });

  it('gives no link when the app has no Kubernetes tab for the entity', async () => {
    await renderProbe(<Probe entity={entity()} />, tree(kubernetesTab));
    expect(screen.getByTestId('link')).toHaveTextContent('none');
  });

  it('gives no link in a legacy app (no app tree) unless told where the tab is', async () => {
    await renderProbe(<Probe entity={annotated} />);
    expect(screen.getByTestId('link')).toHaveTextContent('none');
  });

  it('uses a configured path for annotated entities only, and false turns links off', async () => {
    await renderProbe(
      <>
        <Probe entity={annotated} tabPath="k8s" />
        <Probe entity={entity()} tabPath="/k8s" />
        <Probe entity={annotated} tabPath={false} />
      </>,
      tree(kubernetesTab),
    );
    expect(screen.getAllByTestId('link').map(l => l.textContent)).toEqual([
      '/catalog/default/component/adservice/k8s',
      'none',
      'none',
    ]);
  });

  it('gives no link where the app mounts no entity page', async () => {
    await renderProbe(<Probe entity={annotated} />, tree(kubernetesTab), false);
    expect(screen.getByTestId('link')).toHaveTextContent('none');
  });
});
