import { InstrumentKind } from '../src/modules/instrument/instrument.entity';

/**
 * The instruments the demo commitments and ratifications refer to. Source:
 * /work/shared/data/seed-facts.md (commitments, national ratifications, networks); years of
 * adoption are those of the instruments' adoption by the UN General Assembly, or at Saint-Denis
 * for the European Charter.
 *
 * `HRC` is not a text but the family of local "human rights city" declarations: commitments
 * that the fact sheet lists with the instrument "(human rights city)" point to it, so that
 * they can be filtered like the treaty-based ones.
 *
 * `rights` lists the rights of our taxonomy an instrument guarantees in terms, with the
 * articles in a comment; it is deliberately not exhaustive (every treaty touches most rights
 * through non-discrimination). HRC has none: a declaration adopts human rights as a whole.
 */
export interface InstrumentSeed {
  code: string;
  name: string;
  kind: InstrumentKind;
  yearAdopted: number | null;
  rights: readonly string[];
}

export const INSTRUMENTS: readonly InstrumentSeed[] = [
  {
    code: 'UDHR',
    name: 'Universal Declaration of Human Rights',
    kind: InstrumentKind.DECLARATION,
    yearAdopted: 1948,
    // Arts 2 (no distinction of sex), 3, 21, 23, 25 (housing, medical care), 26.
    rights: ['gender-equality', 'life-and-security', 'participation', 'work', 'housing', 'health', 'education'],
  },
  {
    code: 'ICESCR',
    name: 'International Covenant on Economic, Social and Cultural Rights',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1966,
    // Arts 3, 6-7, 11 (housing; water per General Comment 15 with art 12), 12, 13.
    rights: ['gender-equality', 'work', 'housing', 'water', 'health', 'education'],
  },
  {
    code: 'ICCPR',
    name: 'International Covenant on Civil and Political Rights',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1966,
    // Arts 3 and 26, 6 and 9, 25.
    rights: ['gender-equality', 'life-and-security', 'participation'],
  },
  {
    code: 'CEDAW',
    name: 'Convention on the Elimination of All Forms of Discrimination against Women',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1979,
    // Arts 1-5, 7 (political and public life), 10, 11, 12.
    rights: ['gender-equality', 'participation', 'education', 'work', 'health'],
  },
  {
    code: 'CRC',
    name: 'Convention on the Rights of the Child',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1989,
    // Arts 6 and 19, 24 (including 24(2)(c): clean drinking-water), 28.
    rights: ['life-and-security', 'health', 'water', 'education'],
  },
  {
    code: 'CRPD',
    name: 'Convention on the Rights of Persons with Disabilities',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2006,
    // Arts 6, 10 and 14, 24, 25, 27, 28 (housing, clean water services), 29.
    rights: [
      'gender-equality',
      'life-and-security',
      'education',
      'health',
      'work',
      'housing',
      'water',
      'participation',
    ],
  },
  {
    code: 'EUROPEAN-CHARTER-HRC',
    name: 'European Charter for Safeguarding Human Rights in the City',
    kind: InstrumentKind.CHARTER,
    yearAdopted: 2000,
    rights: ['gender-equality', 'participation', 'education', 'work', 'housing', 'health', 'healthy-environment'],
  },
  {
    code: 'HRC',
    name: 'Human rights city declaration',
    kind: InstrumentKind.DECLARATION,
    yearAdopted: null,
    rights: [],
  },
];
