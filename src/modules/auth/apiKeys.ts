import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { ApiKey, Role } from './apiKey.entity';

/** Who is calling: anonymous readers, a valid key, or a key that must be refused. */
export type Auth =
  | { kind: 'anonymous' }
  | { kind: 'key'; keyId: number; name: string; role: Role }
  | { kind: 'invalid'; reason: 'unknown' | 'revoked' | 'malformed' };

export const ANONYMOUS: Auth = { kind: 'anonymous' };

const KEY_PATTERN = /^rg_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Creates a key and returns it in full: the only time it is ever shown. */
export async function createApiKey(
  dataSource: DataSource,
  input: { name: string; role: Role },
): Promise<{ key: string; apiKey: ApiKey }> {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const key = `rg_${prefix}_${randomBytes(32).toString('base64url')}`;
  const repository = dataSource.getRepository(ApiKey);
  const apiKey = await repository.save(
    repository.create({ name: input.name, role: input.role, prefix, keyHash: hashKey(key) }),
  );
  return { key, apiKey };
}

export async function revokeApiKey(dataSource: DataSource, prefixOrId: string): Promise<ApiKey | null> {
  const repository = dataSource.getRepository(ApiKey);
  const apiKey = /^\d+$/.test(prefixOrId)
    ? await repository.findOneBy({ id: Number(prefixOrId) })
    : await repository.findOneBy({ prefix: prefixOrId });
  if (!apiKey) return null;
  if (!apiKey.revokedAt) {
    apiKey.revokedAt = new Date();
    await repository.save(apiKey);
  }
  return apiKey;
}

/**
 * The caller as the server's authentication middleware found it (see src/server.ts), read by
 * the rate limiter, the GraphQL context and POST /imports, so a key is looked up once per
 * request. Without that middleware, everyone is anonymous: writes fail closed.
 */
export function authOf(res: { locals: Record<string, unknown> }): Auth {
  return (res.locals.auth as Auth | undefined) ?? ANONYMOUS;
}

/** Reads `Authorization: Bearer <key>`; one indexed lookup by prefix, constant-time hash comparison. */
export async function authenticate(dataSource: DataSource, header: string | undefined): Promise<Auth> {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const parts = match ? KEY_PATTERN.exec(match[1]) : null;
  if (!match || !parts) return { kind: 'invalid', reason: 'malformed' };
  const [apiKey] = await rowsByKeys(dataSource, ApiKey, 'prefix', [parts[1]]);
  if (!apiKey || !timingSafeEqual(Buffer.from(apiKey.keyHash, 'hex'), Buffer.from(hashKey(match[1]), 'hex'))) {
    return { kind: 'invalid', reason: 'unknown' };
  }
  if (apiKey.revokedAt) return { kind: 'invalid', reason: 'revoked' };
  return { kind: 'key', keyId: apiKey.id, name: apiKey.name, role: apiKey.role };
}
