import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Processor } from './processor.entity';

export enum ProcessorChangeDecision {
  OBJECTED = 'OBJECTED',
  ACCEPTED = 'ACCEPTED',
}

registerEnumType(ProcessorChangeDecision, {
  name: 'ProcessorChangeDecision',
  description: "The company's answer to a processor's notice of a change (Art. 28(2)).",
  valuesConfig: {
    OBJECTED: { description: 'The company objected within the period its DPA gives.' },
    ACCEPTED: { description: 'The company accepted the change.' },
  },
});

/**
 * A processor's own notice of a change under its DPA, such as a new sub-processor of its own (GDPR Art. 28(2):
 * general authorisation, with notice and the chance to object). The company objects or accepts by the deadline.
 */
@Entity()
@ObjectType({ description: "A processor's notice of an intended change under its DPA (Art. 28(2)), and the company's answer." })
export class ProcessorChangeNotice {
  @Field(() => ID, { description: 'The register number of the notice (a UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => Processor, { deleteRule: 'cascade', index: true })
  processor!: Processor;

  @Field({ description: 'What the processor announced, such as a new sub-processor and its country; at most 10,000 characters.' })
  @Property({ type: 'text' })
  description!: string;

  @Field(() => DateTimeResolver, { description: 'When the notice reached the company.' })
  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Field(() => DateTimeResolver, { description: 'The last moment to object, as the DPA sets it.' })
  @Property({ type: 'timestamptz', index: true })
  objectionDeadline!: Date;

  @Field(() => ProcessorChangeDecision, { nullable: true, description: 'Null while undecided.' })
  @Enum({ items: () => ProcessorChangeDecision, nativeEnumName: 'processor_change_decision', nullable: true })
  decision?: ProcessorChangeDecision | null;

  @Field(() => DateTimeResolver, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the company objected, or a note on its acceptance; no contact details.' })
  @Property({ type: 'text', nullable: true })
  decisionReason?: string | null;

  @Field(() => DateTimeResolver)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'integer', version: true })
  version!: Opt<number>;
}
