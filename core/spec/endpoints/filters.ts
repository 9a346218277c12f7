// Filter endpoints (client-server-api "Filtering"; filter.yaml).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const createFilter = endpoint({
  name: 'createFilter',
  method: 'POST',
  paths: [`${V3}/user/:userId/filter`],
  auth: 'user',
  params: object({ userId: str() }),
  body: jsonObject(),
});

export const getFilter = endpoint({
  name: 'getFilter',
  method: 'GET',
  paths: [`${V3}/user/:userId/filter/:filterId`],
  auth: 'user',
  params: object({ userId: str(), filterId: str() }),
});
