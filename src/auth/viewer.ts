import { registerEnumType } from 'type-graphql';

/** The roles of the integration contract. A token's `roles` claim holds their names. */
export enum Role {
  VIEWER = 'VIEWER',
  ENGINEER = 'ENGINEER',
  PRIVACY_OFFICER = 'PRIVACY_OFFICER',
  AUDITOR = 'AUDITOR',
  SIGNUP_SERVICE = 'SIGNUP_SERVICE',
}

registerEnumType(Role, { name: 'Role', description: 'What a caller may do; see the access table in the README.' });

/** Who is calling: the token's subject and roles. */
export interface Viewer {
  subject: string;
  roles: Role[];
}
