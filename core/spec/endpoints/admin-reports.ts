// Content reports for server admins, in the shape of Synapse's event reports admin API
// (Synapse docs: admin_api/event_reports), so moderation tools built for it work here.
import { endpoint } from '../endpoint.ts';
import { int, object, optional } from '../shape.ts';

export const listEventReports = endpoint({
  name: 'listEventReports',
  method: 'GET',
  paths: ['/_synapse/admin/v1/event_reports'],
  auth: 'admin',
  query: object({ limit: optional(int({ min: 1, max: 1000 })), from: optional(int({ min: 0 })) }),
});
