import type { DataSource } from 'typeorm';
import { sqlCounterOf } from '../../src/db/dataSource';
import type { SentStatement } from '../../src/db/sqlCounter';

export type { SentStatement } from '../../src/db/sqlCounter';

/** The statements (with their parameters) that `work` sends through `dataSource`. */
export async function statementsSent(dataSource: DataSource, work: () => Promise<unknown>): Promise<SentStatement[]> {
  return (await sqlCounterOf(dataSource).record(work)).sent;
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function relationsOf(node: PlanNode, executedOnly: boolean, into: Set<string>): Set<string> {
  if (node['Relation Name'] && (!executedOnly || (node['Actual Loops'] ?? 0) > 0)) into.add(node['Relation Name']);
  for (const child of node.Plans ?? []) relationsOf(child, executedOnly, into);
  return into;
}

/**
 * The partitions of observation in the plans of the read statements among `statements`:
 * `planned` lists what the planner kept (pruning at planning removes the others from the plan),
 * `read` what EXPLAIN ANALYZE shows was scanned (pruning at run time too). Only reads are
 * explained, as EXPLAIN ANALYZE runs what it explains; the rule functions they call are inlined,
 * so their scans show.
 */
export async function observationPartitions(
  dataSource: DataSource,
  statements: SentStatement[],
  how: 'planned' | 'read',
): Promise<string[]> {
  const found = new Set<string>();
  for (const statement of statements) {
    if (!/^\s*(SELECT|WITH)\b/i.test(statement.query)) continue;
    const [{ 'QUERY PLAN': plans }] = await dataSource.query(
      `EXPLAIN (${how === 'read' ? 'ANALYZE, ' : ''}FORMAT JSON) ${statement.query}`,
      statement.parameters,
    );
    for (const p of plans as { Plan: PlanNode }[]) relationsOf(p.Plan, how === 'read', found);
  }
  return [...found].filter((name) => /^observation_p\d+$/.test(name)).sort();
}

/** The partition of observation whose recorded bound admits `indicatorId`, by Postgres' hash partitioning function. */
export async function partitionsAdmitting(dataSource: DataSource, indicatorId: number): Promise<string[]> {
  const found: { relname: string }[] = await dataSource.query(
    `SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
     WHERE h.inhparent = 'observation'::regclass
       AND satisfies_hash_partition('observation'::regclass,
             (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'modulus (\\d+)'))[1]::int,
             (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'remainder (\\d+)'))[1]::int,
             $1::int)`,
    [indicatorId],
  );
  return found.map((r) => r.relname);
}
