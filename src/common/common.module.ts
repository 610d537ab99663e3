import { Global, Module } from '@nestjs/common';
import { PrincipalCache } from './cache/principal-cache';

@Global()
@Module({ providers: [PrincipalCache], exports: [PrincipalCache] })
export class CommonModule {}
