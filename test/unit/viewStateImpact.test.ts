import { parseViewState, viewStateQuery } from '../../src/modules/explorer/web/viewState';

/** The explorer's address for the impact views (issue 16): what a shared link restores, and what it drops. */
describe('the impact views in the address', () => {
  it('reads the view, the synthetic control city, its donors and the event study window', () => {
    const state = parseViewState(
      '?indicator=homicide-rate&view=synthetic&instrument=hrc&city=pittsburgh-us&donors=all',
    );
    expect(state).toMatchObject({
      view: 'synthetic',
      instrument: 'HRC',
      city: 'pittsburgh-us',
      donors: 'all',
      window: 3,
    });
    expect(parseViewState('?view=event-study&window=7')).toMatchObject({ view: 'event-study', window: 7 });
  });

  it('falls back to the defaults for values it cannot use', () => {
    for (const window of ['0', '21', '2.5', 'three', '']) {
      expect(parseViewState(`?view=event-study&window=${window}`).window).toBe(3);
    }
    expect(parseViewState('?city=Pittsburgh%20PA&donors=world')).toMatchObject({ city: null, donors: 'country' });
    expect(parseViewState('?view=impact').view).toBe('timeline');
  });

  it('writes only what differs from the defaults, so the link reads back the same', () => {
    const link = 'indicator=homicide-rate&view=synthetic&instrument=HRC&city=pittsburgh-us&donors=all&window=5';
    expect(viewStateQuery(parseViewState(`?${link}`))).toBe(link);
    expect(viewStateQuery(parseViewState('?indicator=homicide-rate&view=event-study&window=3&donors=country'))).toBe(
      'indicator=homicide-rate&view=event-study',
    );
  });
});
