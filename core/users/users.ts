// Builds the users feature from its dependencies: one store, one UIA engine, one login throttle
// shared by its services. core/main.ts calls this once and hands the parts to core/http (auth)
// and to the client and admin route functions.
import { AccountService } from './account.ts';
import { AppserviceUsersService } from './appservice-users.ts';
import { createUsersContext, type UsersDeps } from './context.ts';
import { DevicesService } from './devices.ts';
import { ProfilesService } from './profiles.ts';
import { RegistrationService } from './registration.ts';
import { RegistrationTokensService } from './registration-tokens.ts';
import { SessionsService } from './sessions.ts';
import { SharedSecretRegistration } from './shared-secret.ts';

export interface Users {
  /** Also the UsersForAuth core/http needs. */
  sessions: SessionsService;
  registration: RegistrationService;
  account: AccountService;
  devices: DevicesService;
  profiles: ProfilesService;
  sharedSecret: SharedSecretRegistration;
  registrationTokens: RegistrationTokensService;
  appserviceUsers: AppserviceUsersService;
}

export function createUsers(deps: UsersDeps): Users {
  const ctx = createUsersContext(deps);
  const sessions = new SessionsService(ctx);
  return {
    sessions,
    registration: new RegistrationService(ctx, sessions),
    account: new AccountService(ctx),
    devices: new DevicesService(ctx),
    profiles: new ProfilesService(ctx),
    sharedSecret: new SharedSecretRegistration(ctx, sessions),
    registrationTokens: new RegistrationTokensService(ctx),
    appserviceUsers: new AppserviceUsersService(ctx),
  };
}

/** Where the feature's migrations live, for runMigrations({ feature: 'users', dir }). */
export const USERS_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
