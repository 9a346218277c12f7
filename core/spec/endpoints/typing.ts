// Typing endpoint (client-server-api "Typing Notifications"; typing.yaml).
import { endpoint } from '../endpoint.ts';
import { bool, int, object, optional, str } from '../shape.ts';

export const setTyping = endpoint({
  name: 'setTyping',
  method: 'PUT',
  paths: ['/_matrix/client/v3/rooms/:roomId/typing/:userId'],
  auth: 'user',
  params: object({ roomId: str(), userId: str() }),
  body: object({ typing: bool(), timeout: optional(int({ min: 0 })) }),
});
