import { DateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { Regime } from '../country/regime';
import { TiaOutcome } from './tia-outcome';

@InputType({ description: 'A transfer impact assessment of one processor location under one regime.' })
export class TransferImpactAssessmentInput {
  @Field(() => ID, { description: 'The processor, by key.' })
  processor!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 code of one of its locations (its headquarters when it records none).' })
  country!: string;

  @Field(() => Regime, { nullable: true, defaultValue: Regime.EU_GDPR, description: 'The regime whose transfer rules it applies; EU_GDPR when not given.' })
  regime?: Regime | null;

  @Field({ description: 'Where the assessment is kept, such as a document id or URL.' })
  reference!: string;

  @Field(() => DateResolver, { description: 'When it was made, YYYY-MM-DD (a real date, not in the future).' })
  assessedAt!: Date;

  @Field(() => TiaOutcome)
  outcome!: TiaOutcome;

  @Field(() => [String], { description: 'The supplementary measures relied on; at least one for WITH_SUPPLEMENTARY_MEASURES.' })
  supplementaryMeasures!: string[];
}
