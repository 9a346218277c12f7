// Device management (client-server-api "Device management"). Deleting a device deletes its
// access and refresh tokens (foreign-key cascade) and needs UIA (m.login.password), except for
// appservices (spec v1.17). The UIA session is bound to the exact set of devices.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { AuthDict, DeviceInfo, DevicesApi } from './api.ts';
import { passwordStage, type UsersContext } from './context.ts';
import type { DeviceRow } from './store.ts';
import { STAGE_PASSWORD } from './uia.ts';

/** Spec client_device.yaml: display_name, last_seen_ip and last_seen_ts are absent when unknown. */
function deviceInfo(d: DeviceRow): DeviceInfo {
  return {
    device_id: d.deviceId,
    ...(d.displayName !== null ? { display_name: d.displayName } : {}),
    ...(d.lastSeenIp !== null ? { last_seen_ip: d.lastSeenIp } : {}),
    ...(d.lastSeenTs !== null ? { last_seen_ts: d.lastSeenTs } : {}),
  };
}

export class DevicesService implements DevicesApi {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  async listDevices(requester: Requester): Promise<DeviceInfo[]> {
    return (await this.#ctx.store.listDevices(requester.userId)).map(deviceInfo);
  }

  async getDevice(requester: Requester, deviceId: string): Promise<DeviceInfo> {
    const d = await this.#ctx.store.getDevice(requester.userId, deviceId);
    if (!d) throw new MatrixError('M_NOT_FOUND', 'Unknown device');
    return deviceInfo(d);
  }

  async updateDevice(requester: Requester, deviceId: string, displayName: string | undefined): Promise<'updated' | 'created'> {
    const { store, now } = this.#ctx;
    // Spec v1.17 "Device management" (MSC4190): an appservice creates its users' devices this way.
    if (requester.appserviceId !== null && !(await store.deviceExists(requester.userId, deviceId))) {
      if (!(await store.userExists(requester.userId))) throw new MatrixError('M_FORBIDDEN', 'Application service has not registered this user');
      const created = await store.db.tx((q) => store.ensureDevice(q, requester.userId, deviceId, displayName ?? null, now()));
      if (created) return 'created';
    }
    const found =
      displayName === undefined
        ? (await store.getDevice(requester.userId, deviceId)) !== null
        : await store.setDeviceDisplayName(requester.userId, deviceId, displayName);
    if (!found) throw new MatrixError('M_NOT_FOUND', 'Unknown device');
    return 'updated';
  }

  async deleteDevices(requester: Requester, deviceIds: readonly string[], auth: AuthDict | undefined): Promise<void> {
    const { store, uia, deviceListener } = this.#ctx;
    const ids = [...new Set(deviceIds)].sort();
    const session =
      requester.appserviceId !== null
        ? null
        : await uia.authenticate({
            operation: 'delete_devices',
            userId: requester.userId,
            flows: [[STAGE_PASSWORD]],
            params: ids,
            auth,
            stages: { [STAGE_PASSWORD]: passwordStage(this.#ctx, requester.userId) },
          });
    const deleted = await store.db.tx(async (q) => {
      const gone = await store.deleteDevices(q, requester.userId, ids);
      if (session) await uia.finish(q, session.sessionId);
      return gone;
    });
    if (deleted.length > 0) await deviceListener?.onDevicesDeleted(requester.userId, deleted);
  }
}
