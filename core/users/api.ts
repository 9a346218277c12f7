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

export interface LoginInput {
  type: string;
  identifier?: Record<string, unknown>;
  /** Deprecated top-level `user`. */
  user?: string;
  password?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  refreshToken: boolean;
}

export interface RegistrationApi {
  register(input: RegisterInput, client: ClientInfo): Promise<RegisterResponse>;
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
  updateDevice(requester: Requester, deviceId: string, displayName: string | undefined): Promise<void>;
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
