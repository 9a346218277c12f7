// Switchyard's bridge admin API (server admins only): the bridges the hub runs in process
// (bridges.in_process), with their state, listener URL and last error. Not part of the Matrix spec.
import { endpoint } from '../endpoint.ts';

export const listBridges = endpoint({ name: 'listBridges', method: 'GET', paths: ['/_switchyard/admin/v1/bridges'], auth: 'admin' });
