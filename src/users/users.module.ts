import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './entities/user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { passwordHasherProvider } from '../common/crypto/password-hasher';
import { AdminBootstrap } from './admin-bootstrap';
import { UserAccountsRepository } from './user-accounts.repository';
import { UserAccountsService } from './user-accounts.service';
import { WechatModule } from '../wechat/wechat.module';
import { WechatUserDataService } from './wechat-user-data.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), WechatModule],
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UsersService,
    WechatUserDataService,
    UserAccountsRepository,
    UserAccountsService,
    passwordHasherProvider,
    AdminBootstrap,
  ],
  exports: [UsersService, UserAccountsService],
})
export class UsersModule {}
