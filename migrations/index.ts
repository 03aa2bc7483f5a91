import { Initial1795772321346 } from './1795772321346-Initial';
import { AddApiKeys1795774497673 } from './1795774497673-AddApiKeys';

/** Every migration, in order. Listed explicitly so ts-jest and compiled code find the same set. */
export const migrations = [Initial1795772321346, AddApiKeys1795774497673];
