import { DEFAULT_ADMIN_URL } from './generate';

/** `npm run bench -- --help`. */
export const USAGE = `usage: npm run bench -- [--scale small|large|xlarge] [options]

  --scale small|large|xlarge 200, 2,000 or 20,000 cities (50 indicators, 30 years); default small. xlarge
                             (30M values) is generated set-based in SQL (same model, other draws), not imported
  --database NAME            use this database instead of rightsgraph_bench_<scale>: reused if it carries the
                             benchmark's mark for the scale, generated if it does not exist, never dropped
  --regenerate               rebuild the benchmark database even if one of this generator version exists
  --rounds N                 rounds per scenario, each a latency and a throughput run (default 3)
  --seconds N                seconds per run (default 1 at small, 2 at large)
  --connections N            connections of the throughput runs (default 8)
  --mix-connections N        connections of the dashboard mix (default 32)
  --mix-seconds N            seconds per mix round (default 3)
  --repeats N                replays per variant for the pg floor and the in-process time (default 5)
  --max-requests N           stop any load run after N answers (default 50000)
  --indicators-per-import N  indicators per import when generating (default 5)
  --only a,b                 only these scenarios (ranking, compare, statistics, nested-list, scorecard, impact)
                             (a run of them all also times issue 16's analyses on the worker threads,
                             commitmentImpact CALLAWAY_SANTANNA and syntheticControl, and the mix while they run)
  --no-write                 print the table, do not write bench/results/
 --startup                  measure start-up (warm npm start, CLIs with the server up, fresh clone to the first
                             answer); on by default at small
  --no-startup               skip it
  --startup-only             measure start-up only
  --no-fresh-clone           start-up without the fresh clone (which needs npm ci)
  --global-import-only       only issue 14's global import: ~2,600 new cities through the CLI (wall time, peak RSS)
  --global-import-runs N     runs of the global import, each on a fresh database (default 3)
  --import-only              only the import, as generating the database measures it, on a scratch database
                             (rightsgraph_import_<scale>, or --import-database NAME) dropped afterwards
  --imports N                with --import-only: stop after N imports (default all)
  --phases                   with --import-only: log each import's progress with its seconds (where the time goes)
  --empty-start-only         only \`npm start\` on an empty data folder to the first answer (time, server peak
                             RSS), --rounds times (default 3)
  --compare-with DIR         with --empty-start-only: also another checkout (built, with node_modules), runs alternating
  --peer postgraphile        only the peer comparison: PostGraphile 5 (bench/peer/postgraphile, installed with npm ci
                             there when missing, run under Node 22 from .ci/node-line.sh) and rightsgraph (response cache
                             off, under the same Node) answer point, dashboard, ranking, statistics and compare; answers are checked equal,
                             then both are measured in interleaved rounds at 8 and 32 connections (--rounds, --seconds:
                             default 2) after --warmup seconds (default 2) of each scenario on each, not measured;
                             writes bench/results/peer-postgraphile-<scale>-<date>.json
  --explain NAME             print EXPLAIN (ANALYZE, BUFFERS) of each statement of scenario NAME, then stop
  --variant N                the variant --explain uses (default 0)

Postgres: BENCH_DATABASE_URL (an admin URL; default ${DEFAULT_ADMIN_URL}). The benchmark uses
its own database, rightsgraph_bench_<scale> (or --database; --import-only: a scratch database it drops), and never
touches another.`;
