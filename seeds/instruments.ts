import { InstrumentKind } from '../src/modules/instrument/instrument.entity';

/**
 * The instruments the demo commitments and ratifications refer to, and the other UN human rights
 * treaties and protocols of the UN treaty status file (end of the list). Source:
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
  // The other core UN treaties and the optional protocols, which the UN treaty status file
  // (seeds/data/un-treaty-status-2022.csv) reports on. Years are those of adoption by the General
  // Assembly. Protocols that only add a complaints or inspection procedure cover no right of
  // their own here: the rights are those of the parent treaty.
  {
    code: 'ICERD',
    name: 'International Convention on the Elimination of All Forms of Racial Discrimination',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1965,
    // Art 5(b) security of person, 5(c) political rights, 5(e)(i) work, (iii) housing, (iv) health, (v) education.
    rights: ['life-and-security', 'participation', 'work', 'housing', 'health', 'education'],
  },
  {
    code: 'CAT',
    name: 'Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1984,
    // Arts 2 and 16.
    rights: ['life-and-security'],
  },
  {
    code: 'ICMW',
    name: 'International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1990,
    // Arts 9-10 and 16, 25, 28 and 43(1)(e) (housing, health), 30 and 43(1)(a) (education).
    rights: ['life-and-security', 'work', 'housing', 'health', 'education'],
  },
  {
    code: 'CPED',
    name: 'International Convention for the Protection of All Persons from Enforced Disappearance',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2006,
    // Art 1.
    rights: ['life-and-security'],
  },
  {
    code: 'ICESCR-OP',
    name: 'Optional Protocol to the International Covenant on Economic, Social and Cultural Rights',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2008,
    rights: [],
  },
  {
    code: 'ICCPR-OP1',
    name: 'Optional Protocol to the International Covenant on Civil and Political Rights',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1966,
    rights: [],
  },
  {
    code: 'ICCPR-OP2',
    name: 'Second Optional Protocol to the International Covenant on Civil and Political Rights, aiming at the abolition of the death penalty',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1989,
    // Art 1.
    rights: ['life-and-security'],
  },
  {
    code: 'OP-CEDAW',
    name: 'Optional Protocol to the Convention on the Elimination of All Forms of Discrimination against Women',
    kind: InstrumentKind.TREATY,
    yearAdopted: 1999,
    rights: [],
  },
  {
    code: 'OP-CRC-AC',
    name: 'Optional Protocol to the Convention on the Rights of the Child on the involvement of children in armed conflict',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2000,
    // Arts 1-2.
    rights: ['life-and-security'],
  },
  {
    code: 'OP-CRC-SC',
    name: 'Optional Protocol to the Convention on the Rights of the Child on the sale of children, child prostitution and child pornography',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2000,
    // Art 1.
    rights: ['life-and-security'],
  },
  {
    code: 'OP-CRC-IC',
    name: 'Optional Protocol to the Convention on the Rights of the Child on a communications procedure',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2011,
    rights: [],
  },
  {
    code: 'OP-CAT',
    name: 'Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2002,
    rights: [],
  },
  {
    code: 'OP-CRPD',
    name: 'Optional Protocol to the Convention on the Rights of Persons with Disabilities',
    kind: InstrumentKind.TREATY,
    yearAdopted: 2006,
    rights: [],
  },
];
