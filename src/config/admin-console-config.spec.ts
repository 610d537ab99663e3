import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from './load-config';

describe('ADMIN_CONSOLE', () => {
  it('should serve the console by default', () => {
    expect(loadConfig({}).adminConsole).toEqual({ enabled: true });
  });

  it('should read true and false in their usual spellings', () => {
    expect(loadConfig({ ADMIN_CONSOLE: 'false' }).adminConsole.enabled).toBe(false);
    expect(loadConfig({ ADMIN_CONSOLE: '0' }).adminConsole.enabled).toBe(false);
    expect(loadConfig({ ADMIN_CONSOLE: 'NO' }).adminConsole.enabled).toBe(false);
    expect(loadConfig({ ADMIN_CONSOLE: 'true' }).adminConsole.enabled).toBe(true);
    expect(loadConfig({ ADMIN_CONSOLE: 'yes' }).adminConsole.enabled).toBe(true);
  });

  it('should treat an empty value as unset', () => {
    expect(loadConfig({ ADMIN_CONSOLE: '' }).adminConsole.enabled).toBe(true);
  });

  it('should refuse anything else at start, naming the variable and not echoing the value', () => {
    let error: unknown;
    try {
      loadConfig({ ADMIN_CONSOLE: 'sometimes' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('ADMIN_CONSOLE');
    expect((error as ConfigError).message).toBe('Configuration error: ADMIN_CONSOLE must be true or false');
  });

  it('should be listed among the variables the app reads', () => {
    expect(configVariables()).toContain('ADMIN_CONSOLE');
  });
});
