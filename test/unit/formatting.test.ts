import { snakeCase } from '../../src/db/snakeNamingStrategy';
import { DatePrecision } from '../../src/modules/commitment/commitment.entity';
import { formatAdoptedOn } from '../../src/modules/commitment/commitment.resolver';
import { enumCheck } from '../../src/modules/common/sqlEnum';

describe('small pure helpers', () => {
  it('formats an adoption date to the precision the source gives', () => {
    expect(formatAdoptedOn('1997-01-01', DatePrecision.YEAR)).toBe('1997');
    expect(formatAdoptedOn('1998-04-01', DatePrecision.MONTH)).toBe('1998-04');
    expect(formatAdoptedOn('2016-12-06', DatePrecision.DAY)).toBe('2016-12-06');
    expect(formatAdoptedOn(null, null)).toBeNull();
  });

  it('names columns in snake_case', () => {
    expect(snakeCase('supersededInReleaseId')).toBe('superseded_in_release_id');
    expect(snakeCase('alpha3')).toBe('alpha3');
    expect(snakeCase('NetworkMembership')).toBe('network_membership');
  });

  it('builds an enum CHECK with quoted values', () => {
    expect(enumCheck('status', { A: 'A', B: "B'C" })).toBe(`"status" IN ('A', 'B''C')`);
  });
});
