// Third-party networks (client-server-api "Third-party Networks"; data/api/client-server/third_party_lookup.yaml).
import { endpoint } from '../endpoint.ts';
import { object, record, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
const protocolParams = object({ protocol: str() });
/** The remote network's own search fields, passed through as they came. */
const fields = record(str());

export const getProtocols = endpoint({ name: 'getProtocols', method: 'GET', paths: [`${V3}/thirdparty/protocols`], auth: 'user' });

export const getProtocolMetadata = endpoint({
  name: 'getProtocolMetadata',
  method: 'GET',
  paths: [`${V3}/thirdparty/protocol/:protocol`],
  auth: 'user',
  params: protocolParams,
});

export const queryLocationByProtocol = endpoint({
  name: 'queryLocationByProtocol',
  method: 'GET',
  paths: [`${V3}/thirdparty/location/:protocol`],
  auth: 'user',
  params: protocolParams,
  query: fields,
});

export const queryUserByProtocol = endpoint({
  name: 'queryUserByProtocol',
  method: 'GET',
  paths: [`${V3}/thirdparty/user/:protocol`],
  auth: 'user',
  params: protocolParams,
  query: fields,
});

export const queryLocationByAlias = endpoint({
  name: 'queryLocationByAlias',
  method: 'GET',
  paths: [`${V3}/thirdparty/location`],
  auth: 'user',
  query: object({ alias: str() }),
});

export const queryUserByID = endpoint({
  name: 'queryUserByID',
  method: 'GET',
  paths: [`${V3}/thirdparty/user`],
  auth: 'user',
  query: object({ userid: str() }),
});
