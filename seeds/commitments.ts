import { CommitmentKind, CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import type { SourceKey } from './sources';

/**
 * The 17 local commitments. Source: /work/shared/data/seed-facts.md, "Local commitments", in
 * its row order; `adopted` is copied as written there (YYYY, YYYY-MM or YYYY-MM-DD) and the
 * seeder turns it into `adopted_on` + `adopted_precision`. Every one has been adopted.
 *
 * `instrument` is `HRC` where the fact sheet says "(human rights city)". `title` is the fact
 * sheet's "title / reference" text verbatim; `documentRef` repeats the reference where the row
 * gives one. No row names the adopting body, so there is none.
 *
 * `rights`: CEDAW commitments cover gender equality. The UDHR resolution and the human rights
 * city declarations commit to human rights as a whole; the fact sheet does not say which rights
 * each emphasises, so they list none rather than all ten (which would make every declaration
 * match every right filter).
 */
export interface CommitmentSeed {
  citySlug: string;
  kind: CommitmentKind;
  status: CommitmentStatus;
  instrument: string;
  adopted: string;
  title: string;
  documentRef: string | null;
  source: SourceKey;
  rights: readonly string[];
  notes: string | null;
}

const { DECLARATION, CHARTER, ORDINANCE, RESOLUTION, PROCLAMATION } = CommitmentKind;
const CEDAW_RIGHTS = ['gender-equality'];

const ROWS: readonly Omit<CommitmentSeed, 'status'>[] = [
  {
    citySlug: 'rosario-ar',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '1997',
    title: 'First human rights city',
    documentRef: null,
    source: 'stimmeMenschenrechte',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'graz-at',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2001-02-08',
    title: 'First European human rights city',
    documentRef: null,
    source: 'asserGraz',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'vienna-at',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2014',
    title: 'Human rights city declaration',
    documentRef: null,
    source: 'stimmeMenschenrechte',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'gwangju-kr',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2011-05-17',
    title: 'Declaration on Human Rights City',
    documentRef: null,
    source: 'gwangjuDeclaration',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'gwangju-kr',
    kind: CHARTER,
    instrument: 'HRC',
    adopted: '2012-05',
    title: 'Gwangju Human Rights Charter',
    documentRef: null,
    source: 'gwangjuCharter',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'washington-us',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2008',
    title: 'Human rights city',
    documentRef: null,
    source: 'afscWashington',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'pittsburgh-us',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2011-04-19',
    title: 'Declared the 5th US human rights city',
    documentRef: null,
    source: 'afscPittsburgh',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'pittsburgh-us',
    kind: ORDINANCE,
    instrument: 'CEDAW',
    adopted: '2016-12-06',
    title: 'CEDAW ordinance (sixth US city)',
    documentRef: 'pittsburgh.legistar.com resolution ID 3779460',
    source: 'newPeoplePittsburghCedaw',
    rights: CEDAW_RIGHTS,
    notes: 'The Legistar record (resolution ID 3779460) is dated 2018; the ordinance was adopted on 2016-12-06.',
  },
  {
    citySlug: 'utrecht-nl',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2010',
    title: 'Human rights city',
    documentRef: null,
    source: 'commoningUtrecht',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'york-gb',
    kind: DECLARATION,
    instrument: 'HRC',
    adopted: '2017-04-24',
    title: "UK's first human rights city",
    documentRef: null,
    source: 'yorkHumanRights',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'eugene-us',
    kind: RESOLUTION,
    instrument: 'UDHR',
    adopted: '1999-04-21',
    title: 'Resolution 4589 affirming the UDHR',
    documentRef: 'Resolution 4589',
    source: 'eugeneHistory',
    rights: [],
    notes: null,
  },
  {
    citySlug: 'san-francisco-us',
    kind: RESOLUTION,
    instrument: 'CEDAW',
    adopted: '1997-11-10',
    title: 'Resolution 1021-97',
    documentRef: 'Resolution 1021-97',
    source: 'sfDoswCedawResolution',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
  {
    citySlug: 'san-francisco-us',
    kind: ORDINANCE,
    instrument: 'CEDAW',
    adopted: '1998-04',
    title: 'Ordinance 128-98, first US city',
    documentRef: 'Ordinance 128-98',
    source: 'sfDoswCedawOrdinance',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
  {
    citySlug: 'toledo-us',
    kind: ORDINANCE,
    instrument: 'CEDAW',
    adopted: '2022-03-15',
    title: 'Ord. 95-22',
    documentRef: 'Ord. 95-22',
    source: 'amlegalToledo',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
  {
    citySlug: 'lafayette-us',
    kind: RESOLUTION,
    instrument: 'CEDAW',
    adopted: '2016-10-18',
    title: 'CEDAW resolution',
    documentRef: null,
    source: 'unaBoulderCities',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
  {
    // Louisville, Colorado: the crime figures in the fact sheet are Louisville, Kentucky.
    citySlug: 'louisville-co-us',
    kind: RESOLUTION,
    instrument: 'CEDAW',
    adopted: '2017-06-08',
    title: 'CEDAW resolution',
    documentRef: null,
    source: 'unaBoulderCities',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
  {
    citySlug: 'greeley-us',
    kind: PROCLAMATION,
    instrument: 'CEDAW',
    adopted: '2016-12',
    title: 'CEDAW proclamation',
    documentRef: null,
    source: 'unaBoulderCities',
    rights: CEDAW_RIGHTS,
    notes: null,
  },
];

export const COMMITMENTS: readonly CommitmentSeed[] = ROWS.map((row) => ({ ...row, status: CommitmentStatus.ADOPTED }));
