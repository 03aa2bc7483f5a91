/**
 * Translocal networks of cities. Source: /work/shared/data/seed-facts.md, the "Networks"
 * paragraph under "Local commitments". It gives no URLs and no sources for them, so both stay
 * null.
 */
export interface NetworkSeed {
  code: string;
  name: string;
  description: string;
  foundedYear: number;
}

export interface NetworkMembershipSeed {
  networkCode: string;
  citySlug: string;
  joinedYear: number | null;
}

export const NETWORKS: readonly NetworkSeed[] = [
  {
    code: 'cities-for-cedaw',
    name: 'Cities for CEDAW',
    description: 'Campaign, launched in 2013, for US cities to adopt the principles of CEDAW by local ordinance.',
    foundedYear: 2013,
  },
  {
    code: 'us-hrc-alliance',
    name: 'US Human Rights Cities Alliance',
    description: 'Alliance of US human rights cities, formed in 2016 after a 2015 gathering in Pittsburgh.',
    foundedYear: 2016,
  },
  {
    code: 'european-cities-for-human-rights',
    name: 'European Conference "Cities for Human Rights"',
    description:
      'Founded in Barcelona in October 1998; its European Charter for Safeguarding Human Rights in the City was adopted at Saint-Denis in 2000.',
    foundedYear: 1998,
  },
];

/**
 * Empty on purpose: the fact sheet names the networks but not their members. A city that
 * passed a CEDAW ordinance is not thereby in the Cities for CEDAW campaign, nor is Pittsburgh
 * in the alliance for having hosted its founding gathering, so nothing here is inferred.
 */
export const NETWORK_MEMBERSHIPS: readonly NetworkMembershipSeed[] = [];
