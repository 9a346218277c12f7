// Adapts the to-device store to the appservice hub's port (core/ports/to-device-for-appservices):
// MSC2409 to-device pushes carry the recipient, and delivery wants the whole range at once.
import type { AppserviceToDeviceMessage, ToDeviceForAppservices as DeliveryPort } from '../ports/to-device-for-appservices.ts';
import type { ToDeviceForAppservices } from './api.ts';

const PAGE = 1000;

export function toDeviceForAppservices(store: ToDeviceForAppservices): DeliveryPort {
  return {
    currentPosition: () => store.currentPosition(),
    async messagesFor(userIds, since, upto) {
      const out: AppserviceToDeviceMessage[] = [];
      let from = since;
      for (;;) {
        const page = await store.messagesForUsers(userIds, from, upto, PAGE);
        for (const m of page) out.push({ type: m.type, sender: m.sender, to_user_id: m.userId, to_device_id: m.deviceId, content: m.content });
        if (page.length < PAGE) return out;
        from = page.at(-1)!.streamId;
      }
    },
  };
}
