import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { CLOCK, Clock, SystemClock } from './clock';
import { SecretBox } from './crypto/secret-box';

/**
 * What every module may inject: the clock (one per app, so a test can move time for all of
 * it) and the secret box that seals data at rest with DATA_ENCRYPTION_KEY.
 */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: SecretBox, useValue: new SecretBox(config.dataEncryptionKey, config.previousDataEncryptionKeys) },
      ],
      exports: [CLOCK, SecretBox],
    };
  }
}
