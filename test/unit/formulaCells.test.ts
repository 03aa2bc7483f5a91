import fc from 'fast-check';
import { neutraliseFormulaCell, restoreFormulaCell } from '../../src/modules/common/formulaCells';

describe('formula cells', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=x", "''=x"],
    ["'x", "'x"],
    ['x=1', 'x=1'],
    ['', ''],
  ])('writes %j as %j', (text, written) => {
    expect(neutraliseFormulaCell(text)).toBe(written);
  });

  it('the import reads back every text the export writes', () => {
    const lead = fc.constantFrom('', "'", "''", '=', '+', '-', '@', '\t', '\r', 'a', ' ');
    fc.assert(
      fc.property(fc.array(lead, { maxLength: 4 }), fc.string(), (parts, rest) => {
        const text = parts.join('') + rest;
        expect(restoreFormulaCell(neutraliseFormulaCell(text))).toBe(text);
      }),
    );
  });
});
