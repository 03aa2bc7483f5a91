import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The current latest total value of each (indicator, city): what `ranking` without a year
 * ranks. Derived data, never written by the application: statement-level triggers on
 * `observation` (migration AddLatestObservation) recompute the (city, indicator) pairs each
 * INSERT, UPDATE or DELETE touched, in the same transaction, so it always agrees with
 * `observation` as of the newest release. The row chosen is the one the probe of
 * IDX_observation_latest would choose: not superseded, disaggregation '', the latest year, the
 * lowest source id in that year.
 *
 * Ranking all cities reads one index range of this table instead of probing `observation`
 * once per city (docs/performance.md). Queries as of an older release cannot use it and still
 * probe `observation`.
 */
@Entity()
export class LatestObservation {
  @PrimaryColumn({ type: 'int' })
  indicatorId: number;

  @PrimaryColumn({ type: 'int' })
  cityId: number;

  @Column({ type: 'int' })
  observationId: number;

  @Column({ type: 'smallint' })
  year: number;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'double precision', nullable: true })
  lower: number | null;

  @Column({ type: 'double precision', nullable: true })
  upper: number | null;

  @Column({ type: 'varchar', length: 20 })
  status: string;

  @Column({ type: 'int' })
  sourceId: number;

  @Column({ type: 'int' })
  releaseId: number;
}
