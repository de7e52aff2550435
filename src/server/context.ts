import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgeGateService } from '../age-gate/age-gate.service';
import type { Viewer } from '../auth/viewer';
import { DEFAULT_DOMAIN_SETTINGS, type DomainSettings, type RequestContext } from '../common/context';
import type { RequestRecord } from '../common/request-record';
import { Loaders } from '../db/loaders';

export function createRequestContext(
  rootEm: EntityManager,
  requestId: string,
  viewer: Viewer | null,
  ageGate: AgeGateService,
  clock: () => Date = () => new Date(),
  settings: DomainSettings = DEFAULT_DOMAIN_SETTINGS,
  record?: RequestRecord,
): RequestContext {
  // The unit of work is made on first use: an operation that reads nothing (`{ __typename }`, an age check against
  // the policy kept in memory) costs no fork of the entity manager.
  let em: EntityManager | undefined;
  const unitOfWork = () => (em ??= rootEm.fork());
  return {
    get em() {
      return unitOfWork();
    },
    loaders: new Loaders(unitOfWork),
    requestId,
    viewer,
    ageGate,
    clock,
    settings,
    record,
  };
}
