import { DatePrecision } from '../../src/modules/commitment/commitment.entity';
import { foldName, formatPartialDate, parsePartialDate, slugify, stripAccents } from '../../src/modules/common/text';

describe('the text module', () => {
  it('strips accents and keeps case, for ASCII names', () => {
    expect(stripAccents('Zürich')).toBe('Zurich');
    expect(stripAccents('São Paulo')).toBe('Sao Paulo');
    expect(stripAccents('Kraków')).toBe('Krakow');
  });

  it('folds names and makes slugs', () => {
    expect(foldName(' Tromsø  Æbeltoft ')).toBe('tromso aebeltoft');
    expect(slugify('Louisville, KY US')).toBe('louisville-ky-us');
  });

  it('transliterates names in other scripts for their slugs, instead of dropping them', () => {
    // A readable slug, not an official romanisation (Київ comes out "kiyiv", not "kyiv"); these
    // two agree with the places' ASCII names in GeoNames.
    expect(slugify('Зуунмод 047 MN')).toBe('zuunmod-047-mn');
    expect(slugify('Αθήνα GR')).toBe('athina-gr');
    // Han characters come out syllable by syllable (pinyin without tones).
    expect(slugify('北京 CN')).toBe('bei-jing-cn');
    // Latin names are as before.
    expect(slugify('Łódź PL')).toBe('lodz-pl');
    expect(slugify('Zürich CH')).toBe('zurich-ch');
  });

  it.each([
    ['1997', { date: '1997-01-01', precision: DatePrecision.YEAR }],
    ['1998-04', { date: '1998-04-01', precision: DatePrecision.MONTH }],
    ['2016-12-06', { date: '2016-12-06', precision: DatePrecision.DAY }],
    ['2000-02-29', { date: '2000-02-29', precision: DatePrecision.DAY }],
    ['2001-02-29', null],
    ['2016-13', null],
    ['2016-00-10', null],
    ['97', null],
    ['2016-1-6', null],
    ['2016/12/06', null],
  ])('reads the partial date %s', (text, expected) => {
    expect(parsePartialDate(text)).toEqual(expected);
  });

  it('writes a partial date back to its precision', () => {
    for (const text of ['1997', '1998-04', '2016-12-06']) {
      const parsed = parsePartialDate(text);
      expect(formatPartialDate(parsed?.date ?? null, parsed?.precision ?? null)).toBe(text);
    }
  });
});
