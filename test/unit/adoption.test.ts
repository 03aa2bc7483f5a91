import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adoptionByCity } from '../../src/modules/commitment/adoption';
import { inForceAsOf } from '../../src/modules/source/visibility';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('adoptionByCity', () => {
  it("is commitmentImpact's adoption CTE, word for word, until impact.ts calls it", () => {
    // impact.ts is being split into its folder; its adoption CTE then becomes a call of
    // adoptionByCity. Until then this test keeps the two from drifting (if impact.ts has moved,
    // point it at the new file or, better, make impact call adoptionByCity and delete this).
    const source = readFileSync(path.join(__dirname, '../../src/modules/analytics/impact.ts'), 'utf8');
    const cte = /\nadoption AS \(\n([\s\S]*?)\n\),\nadopter AS/.exec(source)?.[1];
    expect(cte).toBeDefined();
    const impact = (cte as string).replace(
      "${inForceAsOf('m', 'CAST(:releaseId AS int)')}",
      inForceAsOf('m', 'CAST(:releaseId AS int)'),
    );
    expect(squash(adoptionByCity({ instrumentId: ':instrumentId', releaseId: 'CAST(:releaseId AS int)' }))).toBe(
      squash(impact),
    );
  });
});
