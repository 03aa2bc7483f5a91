/* global process, console */
// PostGraphile 5 serving the benchmark database, as the peer of `npm run bench -- --peer postgraphile`.
// Needs Node >= 22 (PostGraphile 5's engines); the bench runs it under the Node 22 binary that
// .ci/node-line.sh fetches. Environment: DATABASE_URL (required), PORT (default 0: a free port).
// Prints "PostGraphile at http://127.0.0.1:<port>/graphql" once it listens.
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { PgAggregatesPreset } from '@graphile/pg-aggregates';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');

// Like rightsgraph's API pool: 10 connections, JIT off (the plans are small and many).
// The application name lets the bench find these backends in pg_stat_activity.
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: 10,
  application_name: 'rightsgraph-peer',
  options: '-c jit=off',
});

const preset = {
  extends: [PostGraphileAmberPreset, PgAggregatesPreset, PostGraphileConnectionFilterPreset],
  // Amber orders and filters by indexed columns only; the ranking orders observations by value
  // and every query filters on superseded_in_release_id, neither indexed alone.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', watch: false, graphiql: false },
  grafast: { explain: false },
  schema: {
    // Filters through relations (statistics filters observations by their city's country).
    connectionFilterRelations: true,
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).then(
  () =>
    server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
      console.log(`PostGraphile at http://127.0.0.1:${server.address().port}/graphql`);
    }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

async function stop() {
  server.close();
  await pgl.release();
  await pool.end();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
