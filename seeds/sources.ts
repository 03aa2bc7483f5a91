/**
 * Every source the demo data cites. Source: /work/shared/data/seed-facts.md (its "source"
 * column, the ratification table's heading and the two observation section headings).
 *
 * The title is the natural key (it is unique in the database), so changing a title here makes
 * the seeder insert a second source rather than rename the first. `url` is `https://` plus the
 * address the fact sheet gives; `retrievedOn` stays null because the fact sheet does not state
 * it. `license` is filled only where it is known: the FBI's Uniform Crime Reports are a work of
 * the US federal government, so in the public domain (The Marshall Project's repository states
 * no licence of its own). The other sources state none; null here is exported as "not stated"
 * (src/modules/export/exportDatapackage.ts), never guessed.
 */
export interface SourceSeed {
  publisher: string;
  title: string;
  url: string | null;
  license: string | null;
  retrievedOn: string | null;
  citation: string;
}

export const SOURCES = {
  unTreatyCollection: {
    publisher: 'United Nations',
    title: 'United Nations Treaty Collection: status of the human rights treaties',
    url: 'https://treaties.un.org',
    license: null,
    retrievedOn: null,
    citation:
      'United Nations Treaty Collection, Status of Treaties, Chapter IV: Human Rights (status as of 2026). https://treaties.un.org',
  },
  marshallProjectCrimeReport: {
    publisher: 'The Marshall Project',
    title: 'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project',
    url: 'https://github.com/themarshallproject/city-crime',
    license: 'public domain (US federal government work)',
    retrievedOn: null,
    citation:
      'The Marshall Project, "The Crime Report" (FBI Uniform Crime Reports data compiled by The Marshall Project). https://github.com/themarshallproject/city-crime',
  },
  whoAmbientAirQuality2018: {
    publisher: 'World Health Organization',
    title: 'WHO Ambient Air Quality Database 2018 (v14)',
    url: 'https://www.who.int/airpollution/data/cities/en/',
    license: null,
    retrievedOn: null,
    citation:
      'World Health Organization, WHO Ambient Air Quality Database, 2018 update (version 14). https://www.who.int/airpollution/data/cities/en/',
  },
  stimmeMenschenrechte: {
    publisher: 'stimme.minderheiten.at',
    title: 'stimme.minderheiten.at: articles tagged "Menschenrechte" (human rights cities Rosario and Vienna)',
    url: 'https://stimme.minderheiten.at/index.php/tag/menschenrechte',
    license: null,
    retrievedOn: null,
    citation:
      'stimme.minderheiten.at, articles tagged "Menschenrechte". https://stimme.minderheiten.at/index.php/tag/menschenrechte',
  },
  asserGraz: {
    publisher: 'T.M.C. Asser Instituut',
    title: 'ILA city reports, Europe: Graz, Austria',
    url: 'https://asser.nl/global-city/ila-city-reports/city-reports-europe/graz-austria/',
    license: null,
    retrievedOn: null,
    citation:
      'T.M.C. Asser Instituut, The Global City: ILA city reports, Europe, "Graz, Austria". https://asser.nl/global-city/ila-city-reports/city-reports-europe/graz-austria/',
  },
  gwangjuDeclaration: {
    publisher: 'hrcitycenter.org',
    title: 'hrcitycenter.org: Gwangju Declaration on Human Rights City (2011)',
    url: 'https://hrcitycenter.org/page/view/137',
    license: null,
    retrievedOn: null,
    citation:
      'hrcitycenter.org, Gwangju Declaration on Human Rights City (17 May 2011). https://hrcitycenter.org/page/view/137',
  },
  gwangjuCharter: {
    publisher: 'ombudsman.kotra.or.kr',
    title: 'ombudsman.kotra.or.kr: Gwangju Human Rights Charter (2012)',
    url: 'https://ombudsman.kotra.or.kr/gj-en/bbs/i-1416/detail.do?ntt_sn=51087',
    license: null,
    retrievedOn: null,
    citation:
      'ombudsman.kotra.or.kr, Gwangju Human Rights Charter (May 2012). https://ombudsman.kotra.or.kr/gj-en/bbs/i-1416/detail.do?ntt_sn=51087',
  },
  afscWashington: {
    publisher: 'American Friends Service Committee',
    title: 'AFSC: a milestone for human rights in DC',
    url: 'https://afsc.org/blogs/news-and-commentary/milestone-human-rights-dc',
    license: null,
    retrievedOn: null,
    citation:
      'American Friends Service Committee, news and commentary: milestone for human rights in DC. https://afsc.org/blogs/news-and-commentary/milestone-human-rights-dc',
  },
  afscPittsburgh: {
    publisher: 'American Friends Service Committee',
    title: 'AFSC: Pittsburgh declared 5th human rights city in the US',
    url: 'https://afsc.org/story/pittsburgh-declared-5th-human-rights-city-us',
    license: null,
    retrievedOn: null,
    citation:
      'American Friends Service Committee, "Pittsburgh declared 5th human rights city in the US". https://afsc.org/story/pittsburgh-declared-5th-human-rights-city-us',
  },
  newPeoplePittsburghCedaw: {
    publisher: 'The New People',
    title: 'The New People (Pittsburgh), 19 December 2016: Pittsburgh CEDAW ordinance',
    url: 'https://newpeoplenewspaper.com/2016/12/19/',
    license: null,
    retrievedOn: null,
    citation:
      "The New People (Pittsburgh), 19 December 2016, on the city's CEDAW ordinance. https://newpeoplenewspaper.com/2016/12/19/",
  },
  commoningUtrecht: {
    publisher: 'commoning.city',
    title: 'commoning.city: Utrecht, human rights cities',
    url: 'https://commoning.city/project/utrecht-human-rights-cities/',
    license: null,
    retrievedOn: null,
    citation:
      'commoning.city, project "Utrecht human rights cities". https://commoning.city/project/utrecht-human-rights-cities/',
  },
  yorkHumanRights: {
    publisher: 'York Human Rights City Network',
    title: 'York Human Rights City Network: human rights city declaration',
    url: 'https://yorkhumanrights.org/human-rights-city-declaration/',
    license: null,
    retrievedOn: null,
    citation:
      'York Human Rights City Network, "Human rights city declaration". https://yorkhumanrights.org/human-rights-city-declaration/',
  },
  eugeneHistory: {
    publisher: 'City of Eugene',
    title: 'City of Eugene: History',
    url: 'https://eugene-or.gov/2376/History',
    license: null,
    retrievedOn: null,
    citation: 'City of Eugene, Oregon, "History". https://eugene-or.gov/2376/History',
  },
  sfDoswCedawResolution: {
    publisher: 'San Francisco Department on the Status of Women',
    title: 'San Francisco Department on the Status of Women: CEDAW resolution 1021-97',
    url: 'https://sfgov.org/dosw/index.aspx?page=99',
    license: null,
    retrievedOn: null,
    citation:
      'City and County of San Francisco, Department on the Status of Women, CEDAW (Resolution 1021-97). https://sfgov.org/dosw/index.aspx?page=99',
  },
  sfDoswCedawOrdinance: {
    publisher: 'San Francisco Department on the Status of Women',
    title: 'San Francisco Department on the Status of Women: CEDAW ordinance 128-98',
    url: 'https://sfgov.org/dosw/index.aspx?page=130',
    license: null,
    retrievedOn: null,
    citation:
      'City and County of San Francisco, Department on the Status of Women, CEDAW Ordinance (Ordinance 128-98). https://sfgov.org/dosw/index.aspx?page=130',
  },
  amlegalToledo: {
    publisher: 'American Legal Publishing',
    title: 'American Legal Publishing Code Library: Toledo, Ohio',
    url: 'https://codelibrary.amlegal.com',
    license: null,
    retrievedOn: null,
    citation:
      'American Legal Publishing, Code Library, City of Toledo, Ohio (Ord. 95-22). https://codelibrary.amlegal.com',
  },
  unaBoulderCities: {
    publisher: 'United Nations Association of Boulder County',
    title: 'UNA Boulder County: supporting cities and legislatures (CEDAW)',
    url: 'https://unaboulder.org/supporting-cities-and-legislatures',
    license: null,
    retrievedOn: null,
    citation:
      'United Nations Association of Boulder County, "Supporting cities and legislatures". https://unaboulder.org/supporting-cities-and-legislatures',
  },
} as const satisfies Record<string, SourceSeed>;

export type SourceKey = keyof typeof SOURCES;
