// Server discovery and version negotiation. Spec: client-server-api "Server Discovery"
// (.well-known/matrix/client), "API Standards" (GET /versions); server-server-api "Resolving
// server names" (.well-known/matrix/server).
import { endpoint } from '../endpoint.ts';

export const getVersions = endpoint({
  name: 'getVersions',
  method: 'GET',
  paths: ['/_matrix/client/versions'],
  auth: 'optional',
});

export const getWellKnownClient = endpoint({
  name: 'getWellKnownClient',
  method: 'GET',
  paths: ['/.well-known/matrix/client'],
  auth: 'none',
});

export const getWellKnownServer = endpoint({
  name: 'getWellKnownServer',
  method: 'GET',
  paths: ['/.well-known/matrix/server'],
  auth: 'none',
});
