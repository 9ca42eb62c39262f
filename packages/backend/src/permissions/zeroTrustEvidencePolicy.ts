import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { zeroTrustEvidenceExportPermission } from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * The README's example policy: everyone may read postures, only an entity's owners may export its
 * Zero Trust evidence. `zero-trust.evidence.export` is a resource permission on catalog entities,
 * so the catalog's own `isEntityOwner` rule decides, for the entity asked about, whether the
 * caller (or one of their groups) owns it. Everything else is allowed, as in the demo.
 */
export class ZeroTrustEvidenceOwnersPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, zeroTrustEvidenceExportPermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * Installs {@link ZeroTrustEvidenceOwnersPolicy} as the permission policy. Not added to this
 * demo backend (which allows all); `permissionPolicy.test.ts` runs it.
 */
export const permissionModuleZeroTrustEvidenceOwners = createBackendModule({
  pluginId: 'permission',
  moduleId: 'zero-trust-evidence-owners',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ZeroTrustEvidenceOwnersPolicy());
      },
    });
  },
});
