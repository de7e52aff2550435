import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A kind of person whose data is processed: a student, a newsletter subscriber, a visitor.' })
export class DataSubjectType extends RegistryEntity {}
