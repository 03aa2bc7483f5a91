import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { runCli } from './runCli';
import { openDatabase } from '../db/openDatabase';
import { ApiKey, Role } from '../modules/auth/apiKey.entity';
import { createApiKey, revokeApiKey } from '../modules/auth/apiKeys';

const USAGE = `usage:
  npm run keys -- create --role reader|editor|admin --name NAME   prints the key once; only its hash is stored
  npm run keys -- list                                            prefix, name, role, created, revoked
  npm run keys -- revoke PREFIX|ID                                the key stops working at once

Uses DATABASE_URL, or the embedded database when it is not set (through the running server, if any).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, target] = positionals;
  const roles = Object.values(Role) as string[];
  const valid =
    (command === 'create' && values.role && roles.includes(values.role) && values.name?.trim()) ||
    command === 'list' ||
    (command === 'revoke' && target);
  if (values.help || !valid) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const database = await openDatabase(loadConfig(), (line) => process.stderr.write(`${line}\n`), {
    role: 'keys',
  });
  try {
    const { dataSource } = database;
    if (command === 'create') {
      const { key, apiKey } = await createApiKey(dataSource, { name: values.name!.trim(), role: values.role as Role });
      process.stderr.write(
        `created key ${apiKey.prefix} (${apiKey.role}) for ${apiKey.name}; it is shown once, store it now:\n`,
      );
      process.stdout.write(`${key}\n`);
      return 0;
    }
    if (command === 'list') {
      const keys = await dataSource.getRepository(ApiKey).find({ order: { id: 'ASC' } });
      for (const k of keys) {
        process.stdout.write(
          `${k.id}\t${k.prefix}\t${k.role}\t${k.name}\tcreated ${k.createdAt.toISOString()}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}\n`,
        );
      }
      if (keys.length === 0) process.stderr.write('no keys yet\n');
      return 0;
    }
    const revoked = await revokeApiKey(dataSource, target);
    if (!revoked) {
      process.stderr.write(`no key ${target}\n`);
      return 1;
    }
    process.stdout.write(`revoked ${revoked.prefix} (${revoked.name})\n`);
    return 0;
  } finally {
    await database.close();
  }
}

runCli('keys', main);
