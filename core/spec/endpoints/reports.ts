// Reporting content (client-server-api "Reporting content"; report_content.yaml).
import { endpoint } from '../endpoint.ts';
import { int, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const reportEvent = endpoint({
  name: 'reportEvent',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/report/:eventId`],
  auth: 'user',
  params: object({ roomId: str(), eventId: str() }),
  // score: -100 (most offensive) to 0, dropped from the spec in v1.13 but still sent by clients.
  body: object({ reason: optional(str()), score: optional(int({ min: -100, max: 0 })) }),
});

export const reportRoom = endpoint({
  name: 'reportRoom',
  method: 'POST',
  paths: [`${V3}/rooms/:roomId/report`],
  auth: 'user',
  params: object({ roomId: str() }),
  body: object({ reason: optional(str()) }),
});
