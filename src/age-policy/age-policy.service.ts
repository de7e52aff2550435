import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { badInput, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { Country } from '../country/country.entity';
import { AgePolicy, DigitalConsentAge } from './age-policy.entity';
import type { SetDigitalConsentAgeInput, UpdateAgePolicyInput } from './age-policy.inputs';
import { fieldName, jurisdictionInput, unknownCountryMessage, type Jurisdiction } from './jurisdiction';

/** Ages the policy may hold. Digital consent ages in force range from 13 to 18; 25 leaves room, and catches typos. */
export const POLICY_AGE_RANGE = { min: 0, max: 25 } as const;

export const POLICY_KEY = 'platform';

function checkAge(field: string, value: number): ValidationProblem | null {
  if (Number.isInteger(value) && value >= POLICY_AGE_RANGE.min && value <= POLICY_AGE_RANGE.max) return null;
  return { field, value, message: `${fieldName(field)} ${value} is out of range: an age must be from ${POLICY_AGE_RANGE.min} to ${POLICY_AGE_RANGE.max}` };
}

const policySnapshot = ({ minimumAge, defaultDigitalConsentAge, parentalGuidanceUntilAge }: AgePolicy) => ({
  minimumAge,
  defaultDigitalConsentAge,
  parentalGuidanceUntilAge,
});

const entrySnapshot = ({ jurisdiction, age, verified, source }: DigitalConsentAge) => ({ jurisdiction, age, verified, source: source ?? null });

async function lockedPolicy(tx: EntityManager): Promise<AgePolicy> {
  const policy = await tx.findOne(AgePolicy, { key: POLICY_KEY }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!policy) throw notFound('The age policy is missing: start the service with SEED=true to load it');
  return policy;
}

/** Changes the platform's age rules, audited; the next age check applies them. */
export async function updateAgePolicy(em: EntityManager, actor: Actor, input: UpdateAgePolicyInput): Promise<AgePolicy> {
  const changes = Object.entries({
    minimumAge: input.minimumAge,
    defaultDigitalConsentAge: input.defaultDigitalConsentAge,
    parentalGuidanceUntilAge: input.parentalGuidanceUntilAge,
  }).filter((entry): entry is [keyof ReturnType<typeof policySnapshot>, number] => entry[1] !== null && entry[1] !== undefined);
  if (changes.length === 0) {
    throw badInput('input changes nothing: give at least one of minimumAge, defaultDigitalConsentAge, parentalGuidanceUntilAge', {
      field: 'input',
    });
  }
  const problems = changes.map(([name, value]) => checkAge(`input.${name}`, value)).filter((p) => p !== null);
  if (problems.length > 0) throw new ValidationFailed(problems);

  return em.transactional(async (tx) => {
    const policy = await lockedPolicy(tx);
    const before = policySnapshot(policy);
    for (const [name, value] of changes) policy[name] = value;
    recordAudit(tx, actor, { operation: 'updateAgePolicy', entityType: 'AgePolicy', entityKey: POLICY_KEY, before, after: policySnapshot(policy) });
    return policy;
  });
}

/** A well-formed jurisdiction whose country is in the country table. */
async function knownJurisdiction(em: EntityManager, value: string, field: string): Promise<Jurisdiction> {
  const jurisdiction = jurisdictionInput(value, field);
  if (!(await em.findOne(Country, { code: jurisdiction.country }))) {
    throw badInput(unknownCountryMessage(fieldName(field), jurisdiction), { field, value });
  }
  return jurisdiction;
}

/** Creates or replaces a jurisdiction's age of digital consent, audited. */
export async function setDigitalConsentAge(em: EntityManager, actor: Actor, input: SetDigitalConsentAgeInput): Promise<DigitalConsentAge> {
  const problem = checkAge('input.age', input.age);
  if (problem) throw new ValidationFailed([problem]);
  const { code } = await knownJurisdiction(em, input.jurisdiction, 'input.jurisdiction');
  return em.transactional(async (tx) => {
    // Policy changes take turns on the policy row: two first settings of one jurisdiction would collide on its key.
    await lockedPolicy(tx);
    const existing = await tx.findOne(DigitalConsentAge, { jurisdiction: code });
    const before = existing ? entrySnapshot(existing) : null;
    const entry = existing ?? tx.create(DigitalConsentAge, { jurisdiction: code, age: input.age, verified: true, source: null });
    entry.age = input.age;
    if (input.verified !== null && input.verified !== undefined) entry.verified = input.verified;
    if (input.source !== undefined) entry.source = input.source;
    recordAudit(tx, actor, { operation: 'setDigitalConsentAge', entityType: 'DigitalConsentAge', entityKey: code, before, after: entrySnapshot(entry) });
    return entry;
  });
}

/** Removes a jurisdiction's entry, audited: it then gets its country's age, or the policy default. */
export async function removeDigitalConsentAge(em: EntityManager, actor: Actor, jurisdiction: string): Promise<DigitalConsentAge> {
  const code = typeof jurisdiction === 'string' ? jurisdiction.trim().toUpperCase() : jurisdiction;
  return em.transactional(async (tx) => {
    await lockedPolicy(tx);
    const entry = await tx.findOne(DigitalConsentAge, { jurisdiction: code });
    if (!entry) {
      throw notFound(`jurisdiction "${jurisdiction}" has no digital consent age to remove`, { field: 'jurisdiction', value: jurisdiction });
    }
    recordAudit(tx, actor, { operation: 'removeDigitalConsentAge', entityType: 'DigitalConsentAge', entityKey: code, before: entrySnapshot(entry), after: null });
    tx.remove(entry);
    return entry;
  });
}
