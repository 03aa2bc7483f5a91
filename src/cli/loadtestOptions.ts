/** The command line of `npm run loadtest` (see loadtest.ts). */
export interface Options {
  duration: number;
  connections: number;
  warmup: number;
  maxRequests: number;
  /** Every request's query text differs (a random comment): what grows memory per distinct text. */
  soak: boolean;
}

const LIMITS = {
  duration: [1, 600],
  connections: [1, 1000],
  warmup: [0, 120],
  maxRequests: [1, 10_000_000],
} as const;
export const USAGE = `usage: npm run loadtest -- [--duration SECONDS] [--connections N] [--warmup SECONDS] [--max-requests N]
  --duration      seconds of measured load (default 30, ${LIMITS.duration.join('-')})
  --connections   concurrent clients (default 50, ${LIMITS.connections.join('-')})
  --warmup        seconds of unmeasured load first (default 10, ${LIMITS.warmup.join('-')})
  --max-requests  stop the measured run after this many responses (default 2000000)
  --soak          every request's query text differs (a random comment), so every cache keyed
                  by the text sees new keys; defaults become --duration 300 --warmup 30
CI short forms: npm run loadtest -- --duration 5 --connections 10 --warmup 3
                npm run loadtest -- --soak --duration 20 --warmup 20`;

export function parseOptions(argv: string[]): Options {
  const soak = argv.includes('--soak');
  const options: Options = {
    duration: soak ? 300 : 30,
    connections: 50,
    warmup: soak ? 30 : 10,
    maxRequests: 2_000_000,
    soak,
  };
  argv = argv.filter((a) => a !== '--soak');
  const names: Record<string, Exclude<keyof Options, 'soak'>> = {
    '--duration': 'duration',
    '--connections': 'connections',
    '--warmup': 'warmup',
    '--max-requests': 'maxRequests',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2);
    const key = names[flag] as Exclude<keyof Options, 'soak'> | undefined;
    if (!key) throw new Error(`unknown argument ${argv[i]}`);
    const raw = inline ?? argv[(i += 1)];
    const value = Number(raw);
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${flag} must be an integer between ${min} and ${max}, got "${raw}"`);
    }
    options[key] = value;
  }
  return options;
}
