import { prepareForCache } from './prepareForCache';

describe('prepareForCache', () => {
  it('drops managed fields and the last-applied annotation, keeps the rest', () => {
    const obj = prepareForCache(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}',
            keep: 'me',
          },
          managedFields: [{ manager: 'kubectl' }],
        } as any,
        spec: { containers: [] },
      },
      { maxSbomComponents: 1 },
    );
    expect(obj.metadata).toEqual({ name: 'p', annotations: { keep: 'me' } });
    expect(obj.spec).toEqual({ containers: [] });
  });

  it('leaves a report within the limit alone', () => {
    const obj = prepareForCache(
      {
        apiVersion: 'aquasecurity.github.io/v1alpha1',
        kind: 'SbomReport',
        metadata: { name: 's' },
        report: { components: { components: [{ name: 'a' }] } },
      },
      { maxSbomComponents: 1 },
    );
    expect(obj.zeroTrustIngest).toBeUndefined();
  });
});
