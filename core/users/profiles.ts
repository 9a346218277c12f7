// Profiles (client-server-api "Profiles", profile.yaml: GET /profile/{userId}, GET/PUT/DELETE
// /profile/{userId}/{keyName}). Fields are stored as JSON per key. Only local users have profiles
// here; remote profiles over federation come with the federation feature. A changed field is
// announced to the ProfileChangeListener (rooms updates membership events) after commit.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { UserId } from '../spec/ids.ts';
import type { ProfilesApi } from './api.ts';
import type { UsersContext } from './context.ts';

/** profile.yaml keyName: the defined keys or the Common Namespaced Identifier Grammar. */
export const PROFILE_KEY_RE = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
/** profile.yaml: "the maximum allowed key length of 255 bytes". */
export const MAX_PROFILE_KEY_BYTES = 255;
/** profile.yaml: "the total profile MUST be under 64 KiB". */
export const MAX_PROFILE_BYTES = 64 * 1024;
/** Synapse's limits on the two historical fields. */
export const MAX_DISPLAYNAME_LENGTH = 256;
export const MAX_AVATAR_URL_LENGTH = 1000;
/** Appendices "Matrix Content (mxc://) URIs": mxc://<server-name>/<media-id>. */
const MXC_RE = /^mxc:\/\/[A-Za-z0-9.:[\]-]+\/[A-Za-z0-9_-]+$/;

/** Normalises a value for a known field; undefined means "remove the field" (an empty string). */
function validate(field: string, value: unknown): unknown {
  if (field === 'displayname') {
    if (typeof value !== 'string') throw new MatrixError('M_BAD_JSON', 'displayname must be a string');
    if (value.length > MAX_DISPLAYNAME_LENGTH) throw new MatrixError('M_INVALID_PARAM', `displayname is longer than ${MAX_DISPLAYNAME_LENGTH}`);
    return value === '' ? undefined : value;
  }
  if (field === 'avatar_url') {
    if (typeof value !== 'string') throw new MatrixError('M_BAD_JSON', 'avatar_url must be a string');
    if (value === '') return undefined;
    if (value.length > MAX_AVATAR_URL_LENGTH || !MXC_RE.test(value)) throw new MatrixError('M_INVALID_PARAM', 'avatar_url must be an mxc:// URI');
    return value;
  }
  if (field === 'm.tz' && typeof value !== 'string') throw new MatrixError('M_BAD_JSON', 'm.tz must be a string');
  return value;
}

export class ProfilesService implements ProfilesApi {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  #requireSelf(requester: Requester, userId: string, field: string): void {
    if (requester.userId !== userId) throw new MatrixError('M_FORBIDDEN', "Cannot change another user's profile");
    if (!PROFILE_KEY_RE.test(field)) throw new MatrixError('M_INVALID_PARAM', 'Invalid profile key');
    if (Buffer.byteLength(field) > MAX_PROFILE_KEY_BYTES) throw new MatrixError('M_KEY_TOO_LARGE', 'Profile key is too long');
  }

  async getProfile(userId: string): Promise<Record<string, unknown>> {
    const profile = await this.#ctx.store.profileOf(userId);
    if (!profile) throw new MatrixError('M_NOT_FOUND', 'Profile not found');
    return profile;
  }

  async getProfileField(userId: string, field: string): Promise<unknown> {
    const profile = await this.getProfile(userId);
    if (!(field in profile)) throw new MatrixError('M_NOT_FOUND', 'Profile field not found');
    return profile[field];
  }

  async setProfileField(requester: Requester, userId: string, field: string, value: unknown): Promise<void> {
    this.#requireSelf(requester, userId, field);
    const stored = validate(field, value);
    const { store, profileListener } = this.#ctx;
    const uid = userId as UserId;
    await store.db.tx(async (q) => {
      if (stored === undefined) return store.deleteProfileField(q, uid, field);
      const size = (await store.profileBytesWithout(q, uid, field)) + Buffer.byteLength(JSON.stringify({ [field]: stored }));
      if (size > MAX_PROFILE_BYTES) throw new MatrixError('M_PROFILE_TOO_LARGE', 'The profile would exceed 64 KiB');
      await store.setProfileField(q, uid, field, stored);
    });
    await profileListener?.onProfileChanged(uid, field, stored ?? null);
  }

  async deleteProfileField(requester: Requester, userId: string, field: string): Promise<void> {
    this.#requireSelf(requester, userId, field);
    const { store, profileListener } = this.#ctx;
    await store.db.tx((q) => store.deleteProfileField(q, userId as UserId, field));
    await profileListener?.onProfileChanged(userId as UserId, field, null);
  }
}
