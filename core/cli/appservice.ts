// `switchyard appservice ...`: the appservice admin API (/_switchyard/admin/v1/appservices) from
// the command line, with a server admin's access token, including the delivery state and controls.
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import type { Config } from '../config/schema.ts';
import type { AppservicePuppet, AppserviceStatus } from '../ports/appservice-admin.ts';

export interface AppserviceCliOptions {
  url?: string;
  token?: string;
  prefix?: string;
  json: boolean;
}

export const APPSERVICE_HELP = `Usage: switchyard appservice <list|get ID|register FILE|delete ID|pause ID|resume ID|puppets ID|delivery ID|retry ID|drop-queue ID>
       [--token TOKEN] [--url URL] [--config FILE] [--prefix PREFIX] [--json]

Manages appservices through the admin API of the running server at --url (default: the
configured public_baseurl), with a server admin's access token (--token, or the
SWITCHYARD_ADMIN_TOKEN environment variable).

  list           every registration (folder and database) with its state and last error
  get ID         one appservice, as JSON
  register FILE  store and load a registration YAML (Synapse's format) without touching the folder
  delete ID      remove a registration stored through the admin API (folder ones: remove the file)
  pause ID       stop delivering transactions to it (it still authenticates)
  resume ID      deliver again
  delivery ID    delivery state: last error, next retry, lag, queued transactions
  retry ID       retry the waiting transaction now instead of after the backoff
  drop-queue ID  forget its queued transactions (they are never sent)
  puppets ID     the users it registered (--prefix @_bridge_ to search)`;

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

export async function appserviceCommand(config: Config, args: readonly string[], opts: AppserviceCliOptions): Promise<number> {
  const [action, target] = args;
  if (!opts.token) {
    console.error('appservice: an admin access token is required (--token or SWITCHYARD_ADMIN_TOKEN)');
    return 2;
  }
  const needsTarget = action !== 'list';
  if (action === undefined || (needsTarget && target === undefined)) {
    console.error(APPSERVICE_HELP);
    return 2;
  }
  const base = `${(opts.url ?? config.publicBaseurl).replace(/\/$/, '')}/_switchyard/admin/v1/appservices`;
  const call: Call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${opts.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : method === 'GET' ? undefined : '{}',
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new CliFailure(`the server answered ${res.status}: ${String(json.errcode ?? '')} ${String(json.error ?? '')}`.trim());
    return json;
  };
  const id = encodeURIComponent(target ?? '');
  try {
    switch (action) {
      case 'list': {
        const r = (await call('GET', '')) as { appservices: AppserviceStatus[]; warnings: string[] };
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else printList(r.appservices, r.warnings);
        return 0;
      }
      case 'get':
        console.log(JSON.stringify(await call('GET', `/${id}`), null, 2));
        return 0;
      case 'register': {
        const text = await readFile(target!, 'utf8');
        const doc = load(text, { filename: target });
        const r = (await call('POST', '', doc)) as AppserviceStatus;
        console.log(r.state === 'error' ? `Stored ${r.id}, but it is not loaded: ${r.error}` : `Registered ${r.id} (${r.state})`);
        return r.state === 'error' ? 1 : 0;
      }
      case 'delete':
        await call('DELETE', `/${id}`);
        console.log(`Deleted ${target}`);
        return 0;
      case 'pause':
      case 'resume': {
        const r = (await call('POST', `/${id}/${action}`)) as AppserviceStatus;
        console.log(`${r.id}: ${r.state}`);
        return 0;
      }
      case 'puppets': {
        const q = opts.prefix ? `?prefix=${encodeURIComponent(opts.prefix)}` : '';
        const r = (await call('GET', `/${id}/puppets${q}`)) as { puppets: AppservicePuppet[]; next_batch?: string };
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else for (const p of r.puppets) console.log(`${p.user_id}\t${new Date(p.created_ts).toISOString()}\t${p.displayname ?? ''}`);
        return 0;
      }
      case 'delivery':
        console.log(JSON.stringify(await call('GET', `/${id}/delivery`), null, 2));
        return 0;
      case 'retry':
        await call('POST', `/${id}/delivery/retry`);
        console.log(`${target}: retrying now`);
        return 0;
      case 'drop-queue': {
        const r = (await call('POST', `/${id}/delivery/drop_queue`)) as { dropped: number };
        console.log(`${target}: dropped ${r.dropped} queued transactions`);
        return 0;
      }
      default:
        console.error(`appservice: unknown action ${action}\n\n${APPSERVICE_HELP}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof CliFailure || (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as Error).name === 'YAMLException') {
      console.error(`appservice ${action}: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}

class CliFailure extends Error {}

function printList(list: readonly AppserviceStatus[], warnings: readonly string[]): void {
  if (list.length === 0) console.log('No appservices.');
  for (const a of list) {
    const where = a.source === 'file' ? a.file : 'database';
    console.log(`${a.id ?? '?'}\t${a.state}\t${where}${a.error ? `\t${a.error}` : ''}`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
}
