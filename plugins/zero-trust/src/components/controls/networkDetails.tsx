import Typography from '@material-ui/core/Typography';
import {
  NetworkPeer,
  SegmentationDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { formatLocation } from '../shared/format';

const peerRows = (direction: string, peers: NetworkPeer[], verb: string) =>
  peers.map(p => [
    direction,
    verb,
    p.description,
    p.ports.join(', ') || 'all ports',
    `${p.policy.kind} ${formatLocation(p.policy)}`,
  ]);

/** Default deny per direction, every allowed (and denied) peer, FQDNs and internet egress. */
export function SegmentationDetailsView({
  details,
}: {
  details: SegmentationDetails;
}) {
  const { ingress, egress } = details;
  const state = (d: { isolated: boolean; defaultDeny: boolean }) => {
    if (d.defaultDeny) return 'default deny';
    return d.isolated ? 'isolated' : 'open';
  };
  return (
    <>
      <Typography variant="body2" paragraph>
        Ingress: <strong>{state(ingress)}</strong>. Egress:{' '}
        <strong>{state(egress)}</strong>
        {egress.world ? ', including the internet' : ''}.
        {egress.fqdns.length > 0 &&
          ` Allowed hosts: ${egress.fqdns.join(', ')}.`}
      </Typography>
      <SimpleTable
        label="Allowed and denied peers"
        columns={['Direction', 'Rule', 'Peer', 'Ports', 'Policy']}
        empty="No policy allows any traffic."
        rows={[
          ...peerRows('ingress', ingress.allowed, 'allow'),
          ...peerRows('ingress', ingress.denied, 'deny'),
          ...peerRows('egress', egress.allowed, 'allow'),
          ...peerRows('egress', egress.denied, 'deny'),
        ]}
      />
    </>
  );
}
