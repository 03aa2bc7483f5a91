/**
 * The rights taxonomy of the demo data: the rights its commitments and indicators touch, plus
 * the few a comparison of cities is usually asked about. Not from the fact sheet (it names
 * rights but does not define them); the descriptions paraphrase the treaty articles.
 */
export interface RightSeed {
  code: string;
  name: string;
  description: string;
}

export const RIGHTS: readonly RightSeed[] = [
  {
    code: 'housing',
    name: 'Housing',
    description: 'The right to adequate housing: secure, affordable, habitable and accessible.',
  },
  {
    code: 'water',
    name: 'Water and sanitation',
    description: 'The right to sufficient, safe, acceptable and affordable water and to sanitation.',
  },
  {
    code: 'health',
    name: 'Health',
    description: 'The right to the highest attainable standard of physical and mental health.',
  },
  {
    code: 'education',
    name: 'Education',
    description: 'The right to education, with primary education compulsory and free to all.',
  },
  {
    code: 'work',
    name: 'Work',
    description: 'The right to work and to just and favourable conditions of work.',
  },
  {
    code: 'gender-equality',
    name: 'Gender equality and non-discrimination',
    description: 'The equal right of women and men to enjoy all rights, free of discrimination on any ground.',
  },
  {
    code: 'life-and-security',
    name: 'Life and personal security',
    description: 'The right to life, liberty and security of person, including protection from violence.',
  },
  {
    code: 'healthy-environment',
    name: 'Healthy environment',
    description: 'The right to a clean, healthy and sustainable environment, including clean air.',
  },
  {
    code: 'participation',
    name: 'Participation',
    description: 'The right to take part in public affairs, directly or through freely chosen representatives.',
  },
  {
    code: 'energy',
    name: 'Energy',
    description: 'Access to affordable, reliable and safe energy, on which an adequate standard of living depends.',
  },
];
