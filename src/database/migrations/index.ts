import { InitialSchema1763784000000 } from './1763784000000-initial-schema';

/** Every migration in order. New ones are appended here (see README, "Migrations"). */
export const MIGRATIONS = [InitialSchema1763784000000];
