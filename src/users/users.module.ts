import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MediaModule } from '../media/media.module';
import { WechatModule } from '../wechat/wechat.module';
import { AdminBootstrap } from './admin-bootstrap';
import { UserEntity } from './entities/user.entity';
import { MeController } from './me.controller';
import { passwordHasherProvider } from './password-hasher';
import { UserAccountsController } from './user-accounts.controller';
import { UserAccountsRepository } from './user-accounts.repository';
import { UserAccountsService } from './user-accounts.service';
import { UserEvents } from './user-events';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { WechatUserDataService } from './wechat-user-data.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), WechatModule, MediaModule, AuditModule],
  controllers: [MeController, UserAccountsController],
  providers: [
    UsersRepository,
    UsersService,
    WechatUserDataService,
    UserAccountsRepository,
    UserAccountsService,
    UserEvents,
    passwordHasherProvider,
    AdminBootstrap,
  ],
  exports: [UsersService, UserAccountsService],
})
export class UsersModule {}
