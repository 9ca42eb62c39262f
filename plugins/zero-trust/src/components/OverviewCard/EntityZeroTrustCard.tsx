import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import { OverviewCard } from './OverviewCard';

/** The overview card for an entity's Overview tab; fetches the posture itself. */
export function EntityZeroTrustCard() {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const { value, loading, error } = useAsync(
    () => api.getPosture(getCompoundEntityRef(entity)),
    [api, entity],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return <OverviewCard posture={value!} linkTo="zero-trust" />;
}
