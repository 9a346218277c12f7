// What other parts of Switchyard may ask of the users feature. Narrow, consumer-named
// interfaces (DESIGN §4.4): core/http depends on UsersForAuth only; the client handlers on the
// *Api interfaces; other features plug into the seams at the bottom.
import type { Requester } from '../spec/endpoint.ts';
import type { UserId } from '../spec/ids.ts';

export interface ResolvedToken {
  userId: UserId;
  deviceId: string | null;
  tokenId: string;
  isGuest: boolean;
}

export type TokenLookup = ResolvedToken | { expired: true } | null;

/** Where a request came from; recorded as the device's last_seen_* (throttled). */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface UsersForAuth {
  /** null: unknown token. { expired }: a real token past its lifetime (soft logout). */
  resolveAccessToken(token: string, client?: ClientInfo): Promise<TokenLookup>;
  isAdmin(userId: UserId): Promise<boolean>;
  /** Appservice identity assertion: the masqueraded user must be registered here. */
  userExists(userId: UserId): Promise<boolean>;
  /** Appservice device masquerading: the device must be the user's. */
  deviceExists(userId: UserId, deviceId: string): Promise<boolean>;
}

/** The UIA `auth` dict as the client sent it (client-server-api "User-interactive authentication API"). */
export type AuthDict = Record<string, unknown>;

/** Spec bodies of POST /login and POST /register (when logged in). */
export interface LoginResponse {
  user_id: UserId;
  access_token: string;
  device_id: string;
  home_server: string;
  refresh_token?: string;
  expires_in_ms?: number;
  well_known?: Record<string, unknown>;
}

export interface RegisterResponse {
  user_id: UserId;
  home_server: string;
  access_token?: string;
  device_id?: string;
  refresh_token?: string;
  expires_in_ms?: number;
}

export interface RefreshResponse {
  access_token: string;
  refresh_token: string;
  expires_in_ms: number;
}

export interface RegisterInput {
  kind: 'user' | 'guest';
  auth?: AuthDict;
  username?: string;
  password?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  inhibitLogin: boolean;
  refreshToken: boolean;
}

/** POST /register with type m.login.application_service (application-service-api "Server admin style permissions"). */
export interface AppserviceRegisterInput {
  username?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  inhibitLogin: boolean;
  refreshToken: boolean;
}

export interface LoginInput {
  type: string;
  identifier?: Record<string, unknown>;
  /** Deprecated top-level `user`. */
  user?: string;
  password?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  refreshToken: boolean;
  /** Set for m.login.application_service: the appservice whose as_token came with the request. */
  appserviceId?: string;
}

export interface RegistrationApi {
  register(input: RegisterInput, client: ClientInfo): Promise<RegisterResponse>;
  /** No UIA; the name must be the appservice's (M_EXCLUSIVE otherwise). The user is recorded as the appservice's. */
  registerAppserviceUser(appserviceId: string, input: AppserviceRegisterInput, client: ClientInfo): Promise<RegisterResponse>;
  /** Throws M_INVALID_USERNAME / M_USER_IN_USE / M_EXCLUSIVE when the name can't be registered. */
  checkUsernameAvailable(username: string): Promise<void>;
  isRegistrationTokenValid(token: string): Promise<boolean>;
}

export interface SessionsApi {
  loginFlows(): { flows: { type: string }[] };
  login(input: LoginInput, client: ClientInfo): Promise<LoginResponse>;
  refresh(refreshToken: string): Promise<RefreshResponse>;
  logout(requester: Requester): Promise<void>;
  logoutAll(requester: Requester): Promise<void>;
}

export interface AccountApi {
  changePassword(requester: Requester, input: { newPassword: string; logoutDevices: boolean; auth?: AuthDict }): Promise<void>;
  deactivate(requester: Requester, input: { erase: boolean; auth?: AuthDict }): Promise<{ id_server_unbind_result: 'success' | 'no-support' }>;
}

/** Spec definitions/client_device.yaml. */
export interface DeviceInfo {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
}

export interface DevicesApi {
  listDevices(requester: Requester): Promise<DeviceInfo[]>;
  getDevice(requester: Requester, deviceId: string): Promise<DeviceInfo>;
  /** Appservices create the device when it does not exist (spec v1.17 "Device management", MSC4190). */
  updateDevice(requester: Requester, deviceId: string, displayName: string | undefined): Promise<'updated' | 'created'>;
  deleteDevices(requester: Requester, deviceIds: readonly string[], auth: AuthDict | undefined): Promise<void>;
}

export interface ProfilesApi {
  getProfile(userId: string): Promise<Record<string, unknown>>;
  getProfileField(userId: string, field: string): Promise<unknown>;
  setProfileField(requester: Requester, userId: string, field: string, value: unknown): Promise<void>;
  deleteProfileField(requester: Requester, userId: string, field: string): Promise<void>;
}

export interface SharedSecretRegistrationApi {
  newNonce(): Promise<string>;
  register(input: {
    nonce: string;
    username: string;
    password: string;
    admin: boolean;
    displayname?: string;
    userType?: string;
    mac: string;
  }): Promise<LoginResponse>;
}

// --- seams for features that come later ---

/** Exclusive appservice namespaces (appservices/gate.ts will implement it). */
export interface ReservedNames {
  /** True when an appservice claims this user id exclusively: registration answers M_EXCLUSIVE. */
  isExclusive(userId: UserId): Promise<boolean>;
  /**
   * Whether this appservice may register or log in as the user: its sender, or a user in its
   * users namespaces that no other appservice claims exclusively. Absent: no appservice may.
   */
  appserviceMayUse?(appserviceId: string, userId: UserId): Promise<boolean>;
}

/** A user an appservice registered (users.appservice_id), for the puppet registry. */
export interface AppserviceUser {
  userId: UserId;
  createdTs: number;
  deactivated: boolean;
  displayname: string | null;
  avatarUrl: string | null;
}

/** What the appservice hub asks of the users feature. */
export interface UsersForAppservices {
  /** Registers the user for the appservice unless it exists (its sender); true when created now. */
  ensureAppserviceUser(userId: UserId, appserviceId: string): Promise<boolean>;
  /** The appservice's users in user-id order, after `from`, whose ids start with `prefix`. */
  listAppserviceUsers(appserviceId: string, opts: { prefix?: string; from?: string; limit: number }): Promise<AppserviceUser[]>;
}

/** Told after a profile field of a local user changed, to update membership events (rooms). */
export interface ProfileChangeListener {
  onProfileChanged(userId: UserId, field: string, value: unknown): Promise<void>;
}

/** Told after devices were deleted (e2ee drops their keys, sync announces device-list changes). */
export interface DeviceListener {
  onDevicesDeleted(userId: UserId, deviceIds: readonly string[]): Promise<void>;
}

/** Told after an account was deactivated (rooms makes it leave every room). */
export interface DeactivationListener {
  onDeactivated(userId: UserId, erase: boolean): Promise<void>;
}
