/**
 * The seeded pseudo-random numbers of the bootstrap and the permutations, written once so the
 * same seed gives the same numbers on every machine: mulberry32 (Tommy Ettinger's 32-bit
 * generator, public domain), uniform in [0, 1) with 2^-32 resolution.
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const SQRT5 = Math.sqrt(5);
/** Mammen's two-point weights: mean 0, variance 1, third moment 1. */
const MAMMEN_LOW = -(SQRT5 - 1) / 2;
const MAMMEN_HIGH = (SQRT5 + 1) / 2;
const MAMMEN_P_LOW = (SQRT5 + 1) / (2 * SQRT5);

export function mammen(random: Random): number {
  return random() < MAMMEN_P_LOW ? MAMMEN_LOW : MAMMEN_HIGH;
}

/** Fisher-Yates, in place. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}

/** A standard normal draw (Box-Muller), for simulated panels in tests and docs. */
export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
