// Handlers for device management (client-server-api "Device management").
import { route, type Route } from '../../http/route.ts';
import { Reply } from '../../spec/endpoint.ts';
import { deleteDevice, deleteDevices, getDevice, getDevices, updateDevice } from '../../spec/endpoints/devices.ts';
import type { DevicesApi } from '../../users/api.ts';

export function deviceRoutes(deps: { devices: DevicesApi }): Route[] {
  const { devices } = deps;
  return [
    route(getDevices, async ({ requester }) => ({ devices: await devices.listDevices(requester) })),
    route(getDevice, async ({ requester, params }) => devices.getDevice(requester, params.deviceId)),
    route(updateDevice, async ({ requester, params, body }) => {
      // device_management.yaml: 201 when an appservice created the device, 200 when updated.
      const outcome = await devices.updateDevice(requester, params.deviceId, body.display_name);
      return outcome === 'created' ? new Reply(201, {}) : {};
    }),
    route(deleteDevice, async ({ requester, params, body }) => {
      await devices.deleteDevices(requester, [params.deviceId], body?.auth);
      return {};
    }),
    route(deleteDevices, async ({ requester, body }) => {
      await devices.deleteDevices(requester, body.devices, body.auth);
      return {};
    }),
  ];
}
