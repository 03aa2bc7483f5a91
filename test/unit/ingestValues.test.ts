import { foldName, isMissing, parseNumber, slugify } from '../../src/modules/ingest/values';

describe('import value parsing', () => {
  it('reads plain numbers and thousands separators, and refuses the rest', () => {
    expect(parseNumber('18.57')).toBe(18.57);
    expect(parseNumber(' -0.5 ')).toBe(-0.5);
    expect(parseNumber('2e3')).toBe(2000);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1,234,567.8')).toBe(1234567.8);
    expect(parseNumber('307,630')).toBe(307630);
    expect(parseNumber('1,5')).toBeNull();
    expect(parseNumber('1,23,456')).toBeNull();
    expect(parseNumber('12abc')).toBeNull();
    expect(parseNumber('1.2.3')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
    expect(parseNumber('0x10')).toBeNull();
  });

  it('knows the missing-value tokens', () => {
    for (const token of ['', ' ', 'NA', 'na', 'N/A', '..', '-']) expect(isMissing(token)).toBe(true);
    for (const token of ['0', 'NaN', '-1', 'none']) expect(isMissing(token)).toBe(false);
  });

  it('folds names and builds slugs', () => {
    expect(foldName('  Zürich ')).toBe('zurich');
    expect(foldName('WIEN')).toBe('wien');
    expect(foldName('Tromsø')).toBe('tromso');
    expect(slugify('Washington, D.C.')).toBe('washington-d-c');
    expect(slugify('São Paulo')).toBe('sao-paulo');
  });
});
