import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { ZeroTrustClient, zeroTrustApiRef } from '../api';

export const zeroTrustApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZeroTrustClient({ discoveryApi, fetchApi }),
    }),
});
