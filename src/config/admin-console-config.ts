import { plainToInstance } from 'class-transformer';
import { IsOptional, Matches, validateSync } from 'class-validator';

/** The staff console's settings (see src/admin-console). */
export interface AdminConsoleConfig {
  /** Serve the console at /admin (ADMIN_CONSOLE). */
  enabled: boolean;
}

class AdminConsoleVariables {
  @IsOptional() @Matches(/^(true|false|1|0|yes|no)$/i, { message: 'must be true or false' })
  ADMIN_CONSOLE?: string;
}

/** The variables loadAdminConsoleConfig reads (part of configVariables()). */
export const ADMIN_CONSOLE_VARIABLES: readonly string[] = ['ADMIN_CONSOLE'];

/**
 * ADMIN_CONSOLE: on unless `false`/`0`/`no`. `env` holds only the non-empty values (loadConfig
 * drops empty ones); `refuse` throws loadConfig's ConfigError naming the variable.
 */
export function loadAdminConsoleConfig(env: Record<string, string>, refuse: (variable: string, reason: string) => never): AdminConsoleConfig {
  const vars = plainToInstance(AdminConsoleVariables, { ADMIN_CONSOLE: env.ADMIN_CONSOLE });
  const [error] = validateSync(vars);
  if (error) refuse(error.property, Object.values(error.constraints ?? {})[0] ?? 'is invalid');
  return { enabled: vars.ADMIN_CONSOLE === undefined || /^(true|1|yes)$/i.test(vars.ADMIN_CONSOLE) };
}
