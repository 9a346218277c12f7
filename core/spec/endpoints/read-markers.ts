// Read markers endpoint (client-server-api "Read and unread markers"; read_markers.yaml).
import { endpoint } from '../endpoint.ts';
import { object, optional, str } from '../shape.ts';

export const setReadMarker = endpoint({
  name: 'setReadMarker',
  method: 'POST',
  paths: ['/_matrix/client/v3/rooms/:roomId/read_markers'],
  auth: 'user',
  params: object({ roomId: str() }),
  body: object({ 'm.fully_read': optional(str()), 'm.read': optional(str()), 'm.read.private': optional(str()) }),
});
