// Device management endpoints (client-server-api "Device management"; device_management.yaml).
import { endpoint } from '../endpoint.ts';
import { array, jsonObject, object, optional, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
/** Synapse's limit on device display names. */
export const MAX_DEVICE_DISPLAY_NAME_LENGTH = 100;
/** Bounds the work one request can ask for; no client deletes more devices at once. */
export const MAX_DEVICES_PER_DELETE = 1000;

const deviceParams = object({ deviceId: str() });

export const getDevices = endpoint({ name: 'getDevices', method: 'GET', paths: [`${V3}/devices`], auth: 'user' });

export const getDevice = endpoint({
  name: 'getDevice',
  method: 'GET',
  paths: [`${V3}/devices/:deviceId`],
  auth: 'user',
  params: deviceParams,
});

export const updateDevice = endpoint({
  name: 'updateDevice',
  method: 'PUT',
  paths: [`${V3}/devices/:deviceId`],
  auth: 'user',
  params: deviceParams,
  body: object({ display_name: optional(str({ maxLength: MAX_DEVICE_DISPLAY_NAME_LENGTH })) }),
});

export const deleteDevice = endpoint({
  name: 'deleteDevice',
  method: 'DELETE',
  paths: [`${V3}/devices/:deviceId`],
  auth: 'user',
  params: deviceParams,
  body: optional(object({ auth: optional(jsonObject()) })),
});

export const deleteDevices = endpoint({
  name: 'deleteDevices',
  method: 'POST',
  paths: [`${V3}/delete_devices`],
  auth: 'user',
  body: object({ devices: array(str(), { maxItems: MAX_DEVICES_PER_DELETE }), auth: optional(jsonObject()) }),
});
