import { SignJWT } from 'jose';
import type { Role } from './viewer';

export interface TokenClaims {
  roles: readonly (Role | `${Role}`)[];
  subject: string;
  /** How long the token stays valid, in jose's notation: `30m`, `1h`, `7d`. */
  ttl: string;
}

/** An HS256 token as the service verifies it: `roles` and `sub`, issued now. */
export function signToken(secret: string, { roles, subject, ttl }: TokenClaims): Promise<string> {
  return new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}
