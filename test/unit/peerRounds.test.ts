import { describeRounds, peerMarkdown, roundRatios } from '../../bench/peer';

const run = (requestsPerSecond: number) => ({ requestsPerSecond });

describe('the peer benchmark per round', () => {
  it('pairs the two runs of each round, ours over theirs', () => {
    // 100/200, 300/250, 240/240.
    expect(roundRatios([run(100), run(300), run(240)], [run(200), run(250), run(240)])).toEqual([0.5, 1.2, 1]);
    // A round one side did not finish is left out.
    expect(roundRatios([run(100), run(300), run(240)], [run(200), run(250)])).toEqual([0.5, 1.2]);
  });

  it('reports their range and in how many rounds rightsgraph answered more (a tie is not ahead)', () => {
    expect(describeRounds([0.5, 1.2, 1])).toBe('0.50-1.20 (1/3 ahead)');
    expect(describeRounds([1.05, 1.3])).toBe('1.05-1.30 (2/2 ahead)');
    expect(describeRounds([])).toBe('-');
  });

  it('puts them in the table beside the ratio of the medians', () => {
    const side = { requestsPerSecond: 1000, p50: 2, p99: 9, serverCpuMs: 0.3, postgresCpuMs: 0.05, errors: 0 };
    const table = peerMarkdown(
      'postgraphile',
      'large',
      [
        {
          scenario: 'point',
          connections: 8,
          rightsgraph: side,
          peer: side,
          rpsRatio: 1,
          roundRatios: [0.9, 1.1, 1.25],
          cpuRatio: 1,
          floorMs: 0.3,
          statements: 1,
        },
      ],
      { before: [1, 1, 1], after: [2, 2, 2] },
      'v22.23.5',
    );
    expect(table).toContain('| req/s ratio | per round | CPU ratio |');
    expect(table).toContain('| 1.00 | 0.90-1.25 (2/3 ahead) | 1.00 |');
  });
});
