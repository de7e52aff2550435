import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { utcDate } from '../common/calendar-date';
import { notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { Country } from '../country/country.entity';
import { Regime } from '../country/regime';
import { readTogether } from '../db/read-together';
import { LocationSafeguard } from './location-safeguard.entity';
import { Processor } from './processor.entity';
import { TiaOutcome } from './tia-outcome';
import { TransferImpactAssessment } from './transfer-impact-assessment.entity';
import type { TransferImpactAssessmentInput } from './transfer-impact-assessment.inputs';
import type { TiaFacts } from './transfer-rules';

const MAX_TEXT = 2000;

/** An assessment as the audit trail keeps it. */
const snapshotOf = (tia: TransferImpactAssessment) => ({
  processor: tia.processor.key,
  country: tia.country.code,
  regime: tia.regime,
  reference: tia.reference,
  assessedAt: tia.assessedAt,
  outcome: tia.outcome,
  supplementaryMeasures: [...tia.supplementaryMeasures],
});

/**
 * Records a transfer impact assessment of one of a processor's locations (its headquarters when it records none)
 * under one regime, and audits it with the assessment it supersedes. Every problem is reported at once.
 */
export async function recordTransferImpactAssessment(
  em: EntityManager,
  { actor, now }: { actor: Actor; now: Date },
  input: TransferImpactAssessmentInput,
): Promise<TransferImpactAssessment> {
  const regime = input.regime ?? Regime.EU_GDPR;
  return em.transactional(async (tx) => {
    const processor = await tx.findOne(Processor, { key: input.processor }, { populate: ['locations'] });
    if (!processor) throw notFound(`input.processor: no processor has key "${input.processor}"`, { field: 'input.processor', value: input.processor });
    const problems: ValidationProblem[] = [];
    const report = (field: string, value: unknown, rule: string) => problems.push({ field: `input.${field}`, value, message: `input.${field}: ${rule}` });

    const country = input.country.trim().toUpperCase();
    const places = processor.locations.length > 0 ? processor.locations.getItems().map((l) => l.country.code) : [processor.headquarters.code];
    if (!places.includes(country)) {
      report(
        'country',
        input.country,
        `"${processor.key}" does not process data in "${input.country}" (${processor.locations.length > 0 ? 'its locations' : 'its headquarters'}: ` +
          `${places.join(', ')}): assess one of its locations, or record the location first`,
      );
    }
    const reference = input.reference.trim();
    if (!reference) report('reference', input.reference, 'must not be empty: say where the assessment is kept');
    else if (reference.length > MAX_TEXT) report('reference', `${reference.slice(0, 20)}…`, `is ${reference.length} characters long; at most ${MAX_TEXT} are allowed`);
    const today = utcDate(now);
    const assessedAt = utcDate(input.assessedAt);
    if (assessedAt > today) report('assessedAt', assessedAt, `${assessedAt} is in the future (today is ${today})`);
    const measures = input.supplementaryMeasures.map((m) => m.trim());
    measures.forEach((measure, i) => {
      if (!measure) report(`supplementaryMeasures[${i}]`, input.supplementaryMeasures[i], 'must not be empty');
      else if (measure.length > MAX_TEXT) report(`supplementaryMeasures[${i}]`, `${measure.slice(0, 20)}…`, `is ${measure.length} characters long; at most ${MAX_TEXT} are allowed`);
    });
    if (input.outcome === TiaOutcome.WITH_SUPPLEMENTARY_MEASURES && measures.length === 0) {
      report('supplementaryMeasures', [], 'WITH_SUPPLEMENTARY_MEASURES names the measures it relies on: list at least one (EDPB Recommendations 01/2020, Annex 2)');
    }
    if (problems.length > 0) throw new ValidationFailed(problems);

    const previous = await tx.findOne(
      TransferImpactAssessment,
      { processor: processor.key, country, regime },
      { orderBy: { assessedAt: 'desc', id: 'desc' } },
    );
    const assessment = tx.create(TransferImpactAssessment, {
      processor,
      country: tx.getReference(Country, country),
      regime,
      reference,
      assessedAt,
      outcome: input.outcome,
      supplementaryMeasures: measures,
      recordedAt: now,
    });
    recordAudit(tx, actor, {
      operation: 'recordTransferImpactAssessment',
      entityType: 'TransferImpactAssessment',
      entityKey: `${processor.key}/${country}/${regime}`,
      before: previous ? snapshotOf(previous) : null,
      after: snapshotOf(assessment),
    });
    return assessment;
  });
}

/** What the judgment needs besides the map: the latest assessment of each location, and when its safeguard last changed. */
export interface TransferRecords {
  tia(processor: string, country: string, regime: Regime): TiaFacts | null;
  lastChangedOn(processor: string, country: string, regime: Regime): string | null;
}

const recordKey = (processor: string, country: string, regime: Regime) => `${processor}|${country}|${regime}`;

/** Loads the transfer records of the given processors (every processor when none are given), in two statements. */
export async function loadTransferRecords(em: EntityManager, processorKeys?: readonly string[]): Promise<TransferRecords> {
  const scope = processorKeys ? { $in: [...processorKeys] } : undefined;
  const [assessments, safeguards] = await readTogether(em, [
    () => em.find(TransferImpactAssessment, scope ? { processor: scope } : {}, { orderBy: { assessedAt: 'asc', id: 'asc' } }),
    () => em.find(LocationSafeguard, scope ? { location: { processor: scope } } : {}, { populate: ['location'] }),
  ]);
  const latest = new Map<string, TiaFacts>();
  // In date order, so the last one written for a key is the latest.
  for (const a of assessments) latest.set(recordKey(a.processor.key, a.country.code, a.regime), { reference: a.reference, assessedAt: a.assessedAt, outcome: a.outcome });
  const changed = new Map(
    safeguards.flatMap((s) => (s.changedAt ? [[recordKey(s.location.processor.key, s.location.country.code, s.regime), utcDate(s.changedAt)] as const] : [])),
  );
  return {
    tia: (processor, country, regime) => latest.get(recordKey(processor, country, regime)) ?? null,
    lastChangedOn: (processor, country, regime) => changed.get(recordKey(processor, country, regime)) ?? null,
  };
}
