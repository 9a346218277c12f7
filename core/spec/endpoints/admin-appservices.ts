// Switchyard's appservice admin API (server admins only): list, inspect, register, delete,
// pause and resume appservices, and list the users each one registered. Not part of the Matrix
// spec; the `switchyard appservice` CLI calls it.
import { endpoint } from '../endpoint.ts';
import { int, jsonObject, object, optional, str } from '../shape.ts';

const BASE = '/_switchyard/admin/v1/appservices';
/** The admin API's page size limit for puppet listings. */
export const MAX_PUPPETS_PER_PAGE = 1000;

const idParams = object({ appserviceId: str() });

export const listAppservices = endpoint({ name: 'listAppservices', method: 'GET', paths: [BASE], auth: 'admin' });

export const getAppservice = endpoint({
  name: 'getAppservice',
  method: 'GET',
  paths: [`${BASE}/:appserviceId`],
  auth: 'admin',
  params: idParams,
});

/** The body is the registration itself, in Synapse's format, as JSON. */
export const createAppservice = endpoint({
  name: 'createAppservice',
  method: 'POST',
  paths: [BASE],
  auth: 'admin',
  body: jsonObject(),
});

export const deleteAppservice = endpoint({
  name: 'deleteAppservice',
  method: 'DELETE',
  paths: [`${BASE}/:appserviceId`],
  auth: 'admin',
  params: idParams,
});

export const pauseAppservice = endpoint({
  name: 'pauseAppservice',
  method: 'POST',
  paths: [`${BASE}/:appserviceId/pause`],
  auth: 'admin',
  params: idParams,
});

export const resumeAppservice = endpoint({
  name: 'resumeAppservice',
  method: 'POST',
  paths: [`${BASE}/:appserviceId/resume`],
  auth: 'admin',
  params: idParams,
});

export const listAppservicePuppets = endpoint({
  name: 'listAppservicePuppets',
  method: 'GET',
  paths: [`${BASE}/:appserviceId/puppets`],
  auth: 'admin',
  params: idParams,
  query: object({
    prefix: optional(str()),
    from: optional(str()),
    limit: optional(int({ min: 1, max: MAX_PUPPETS_PER_PAGE })),
  }),
});
