import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors';
import { type Auth } from './apiKeys';
import { Role } from './apiKey.entity';

const RANK: Record<Role, number> = { [Role.READER]: 0, [Role.EDITOR]: 1, [Role.ADMIN]: 2 };

/**
 * Throws UNAUTHENTICATED without a usable key (none, malformed or unknown) and FORBIDDEN for a
 * revoked key or one whose role is below `role`.
 */
export function requireRole(auth: Auth, role: Role): void {
  if (auth.kind === 'anonymous') {
    throw new GraphQLError('This operation needs an API key (Authorization: Bearer <key>)', {
      extensions: { code: ErrorCode.UNAUTHENTICATED },
    });
  }
  if (auth.kind === 'invalid') {
    if (auth.reason === 'revoked') {
      throw new GraphQLError('This API key has been revoked', { extensions: { code: ErrorCode.FORBIDDEN } });
    }
    throw new GraphQLError('The API key is not valid', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
  if (RANK[auth.role] < RANK[role]) {
    throw new GraphQLError(`This operation needs the ${role} role; the key has ${auth.role}`, {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  }
}
