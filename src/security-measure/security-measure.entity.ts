import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A technical or organisational security measure (GDPR Art. 32), such as encryption in transit.' })
export class SecurityMeasure extends RegistryEntity {}
