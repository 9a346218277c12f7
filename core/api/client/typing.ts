// Handler for typing notifications (client-server-api "Typing Notifications").
import { route, type Route } from '../../http/route.ts';
import type { TypingApi } from '../../typing/api.ts';
import { setTyping } from '../../spec/endpoints/typing.ts';

export function typingRoutes(deps: { typing: TypingApi }): Route[] {
  const { typing } = deps;
  return [
    route(setTyping, async ({ requester, params, body }) => {
      await typing.setTyping(requester, params.roomId, params.userId, body.typing, body.timeout);
      return {};
    }),
  ];
}
