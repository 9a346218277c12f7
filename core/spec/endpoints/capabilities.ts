// GET /capabilities (client-server-api "Capabilities negotiation"; capabilities.yaml).
import { endpoint } from '../endpoint.ts';

export const getCapabilities = endpoint({
  name: 'getCapabilities',
  method: 'GET',
  paths: ['/_matrix/client/v3/capabilities'],
  auth: 'user',
});
