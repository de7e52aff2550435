import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A consent a person can grant and withdraw, such as `marketing-email`.' })
export class Consent extends RegistryEntity {}
