import { effectiveWaypoint, waypointBinding } from './waypoint';
import { waypointGateway } from './__fixtures__/upstream';

const ns = (labels: Record<string, string> = {}) => ({
  name: 'default',
  labels,
});
const svc = (labels: Record<string, string> = {}) => ({
  name: 'productpage',
  namespace: 'default',
  labels,
});

describe('waypointBinding', () => {
  it('a label on the Service binds it', () => {
    expect(
      waypointBinding(svc({ 'istio.io/use-waypoint': 'waypoint' }), ns()),
    ).toEqual({ namespace: 'default', name: 'waypoint' });
  });

  it('a label on the namespace binds its Services and pods', () => {
    expect(
      waypointBinding(svc(), ns({ 'istio.io/use-waypoint': 'waypoint' })),
    ).toEqual({ namespace: 'default', name: 'waypoint' });
  });

  it('istio.io/use-waypoint-namespace names a waypoint elsewhere', () => {
    expect(
      waypointBinding(
        svc({
          'istio.io/use-waypoint': 'shared',
          'istio.io/use-waypoint-namespace': 'infra',
        }),
        ns(),
      ),
    ).toEqual({ namespace: 'infra', name: 'shared' });
  });

  it('"none" on the object opts out of the namespace waypoint', () => {
    expect(
      waypointBinding(
        svc({ 'istio.io/use-waypoint': 'none' }),
        ns({ 'istio.io/use-waypoint': 'waypoint' }),
      ),
    ).toBeUndefined();
  });
});

describe('effectiveWaypoint', () => {
  const bound = svc({ 'istio.io/use-waypoint': 'waypoint' });

  it('needs the Gateway to exist', () => {
    expect(effectiveWaypoint('service', bound, ns(), [])).toMatchObject({
      problem: expect.stringMatching(/no such Gateway/),
    });
    expect(
      effectiveWaypoint('service', bound, ns(), [waypointGateway()]).gateway,
    ).toBeDefined();
  });

  it('a service waypoint does not take workload traffic', () => {
    expect(
      effectiveWaypoint('workload', bound, ns(), [waypointGateway()]).gateway,
    ).toBeUndefined();
  });
});
