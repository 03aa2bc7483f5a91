import { Initial1795772321346 } from './1795772321346-Initial';

/** Every migration, in order. Listed explicitly so ts-jest and compiled code find the same set. */
export const migrations = [Initial1795772321346];
