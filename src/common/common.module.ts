import { Global, Module } from '@nestjs/common';
import { PrincipalCache } from './cache/principal-cache';
import { CLOCK, SystemClock } from './clock';

/** Cross-cutting providers every module may inject; one CLOCK per app instance (tests stub it to move time instead of sleeping). */
@Global()
@Module({
  providers: [PrincipalCache, { provide: CLOCK, useFactory: () => new SystemClock() }],
  exports: [PrincipalCache, CLOCK],
})
export class CommonModule {}
