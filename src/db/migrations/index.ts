import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, oldest first. Listed as classes so compiled and ts-jest runs see the same set. */
export const ALL_MIGRATIONS = [InitialSchema1764000000000];
