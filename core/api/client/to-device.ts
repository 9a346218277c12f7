// Handler for Send-to-Device messaging (client-server-api "Send-to-Device messaging").
import { route, type Route } from '../../http/route.ts';
import type { ToDeviceApi } from '../../to-device/api.ts';
import { sendToDevice } from '../../spec/endpoints/to-device.ts';

export function toDeviceRoutes(deps: { toDevice: ToDeviceApi }): Route[] {
  const { toDevice } = deps;
  return [
    route(sendToDevice, async ({ requester, params, body }) => {
      await toDevice.send(requester, params.eventType, params.txnId, body.messages);
      return {};
    }),
  ];
}
