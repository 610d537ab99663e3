import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UserAccountsService } from './user-accounts.service';

/**
 * With ADMIN_USERNAME and ADMIN_PASSWORD set, makes sure that admin exists when the app
 * starts (after the migrations). An existing account of that name is left as it is: the
 * variables create the first admin, they never reset a password or a role.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly accounts: UserAccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.admin) return;
    const { username, password } = this.config.admin;
    const outcome = await this.accounts.ensureAdmin(username, password);
    if (outcome === 'created') this.logger.log(`created the admin account "${username}" from ADMIN_USERNAME/ADMIN_PASSWORD`);
    else this.logger.log(`account "${username}" exists; ADMIN_USERNAME/ADMIN_PASSWORD left it unchanged`);
  }
}
