// AppserviceAdmin (core/ports/appservice-admin.ts): the operations behind
// /_switchyard/admin/v1/appservices and `switchyard appservice`. Registrations posted here are
// stored in PostgreSQL and loaded by the registry next to the folder ones; the paused flag is
// kept in the database for every appservice whatever its source, so it survives restarts and
// holds for every hub process (delivery reads it from the registry).
import type { AppserviceAdmin, AppserviceDeliveryControl, AppserviceStatus } from '../../core/ports/appservice-admin.ts';
import { MatrixError } from '../../core/spec/errors.ts';
import type { PuppetRegistry } from '../puppets/registry.ts';
import { puppetSettings, type PuppetSettings } from '../puppets/settings.ts';
import type { AppservicesStore } from '../store.ts';
import { parseObject } from './folder.ts';
import { describeSource, type AppserviceRegistry, type RegistryEntry } from './registry.ts';

export interface AdminDeps {
  registry: AppserviceRegistry;
  store: AppservicesStore;
  puppets: PuppetRegistry;
  /** Delivery state and controls (absent in registry-only tests). */
  delivery?: AppserviceDeliveryControl;
  now?: () => number;
}

const puppetStatus = (p: PuppetSettings) => ({ ghosts_in_user_directory: p.ghostsInUserDirectory, propagate_ghost_profiles: p.propagateGhostProfiles });

export function statusOf(e: RegistryEntry): AppserviceStatus {
  const r = e.registration;
  return {
    id: e.id,
    source: e.source.kind === 'file' ? 'file' : 'database',
    ...(e.source.kind === 'file' ? { file: e.source.path } : {}),
    state: e.state,
    error: e.error,
    loaded_at: e.loadedAt,
    ...(r
      ? {
          url: r.url,
          sender: r.senderUserId,
          rate_limited: r.rateLimited,
          namespaces: {
            users: r.namespaces.spec.users.map((n) => ({ ...n })),
            aliases: r.namespaces.spec.aliases.map((n) => ({ ...n })),
            rooms: r.namespaces.spec.rooms.map((n) => ({ ...n })),
          },
          protocols: [...r.protocols],
          receive_ephemeral: r.receiveEphemeral,
          receive_to_device: r.receiveToDevice,
          msc3202: r.msc3202,
          msc4190: r.msc4190,
          ...puppetStatus(puppetSettings(r)),
        }
      : {}),
  };
}

export function createAppserviceAdmin(deps: AdminDeps): AppserviceAdmin {
  const { registry, store, puppets } = deps;
  const now = deps.now ?? Date.now;
  const find = (id: string): RegistryEntry => {
    const e = registry.entry(id);
    if (!e) throw new MatrixError('M_NOT_FOUND', `No appservice ${id}`);
    return e;
  };
  const loaded = (id: string) => {
    if (!registry.get(id)) throw new MatrixError('M_NOT_FOUND', `No loaded appservice ${id}`);
  };
  const delivery = (): AppserviceDeliveryControl => {
    if (!deps.delivery) throw new MatrixError('M_UNKNOWN', 'Appservice delivery is not running in this process');
    return deps.delivery;
  };

  return {
    list() {
      const warnings = registry
        .overlaps()
        .map((o) => `appservices ${o.appservices[0]} and ${o.appservices[1]} both claim exclusive ${o.kind} namespaces that overlap: ${o.regexes[0]} / ${o.regexes[1]}`);
      return { appservices: registry.entries().map(statusOf), warnings };
    },

    get(id) {
      return statusOf(find(id));
    },

    async register(raw) {
      const parsed = parseObject(raw, 'posted registration', registry.serverName);
      if (!parsed.ok) throw new MatrixError('M_INVALID_PARAM', parsed.error);
      const reg = parsed.registration;
      const holder = registry.entries().find((e) => e.id === reg.id && (e.registration !== null || e.source.kind === 'db'));
      if (holder) throw new MatrixError('M_INVALID_PARAM', `id ${JSON.stringify(reg.id)} is already used by ${describeSource(holder.source)}`);
      for (const other of registry.active()) {
        const mine = [reg.asToken, reg.hsToken];
        if (mine.includes(other.asToken) || mine.includes(other.hsToken)) {
          throw new MatrixError('M_INVALID_PARAM', `a token of this registration is already used by appservice ${other.id}`);
        }
      }
      if (!(await store.insertRegistration(reg.id, raw, now()))) {
        throw new MatrixError('M_INVALID_PARAM', `id ${JSON.stringify(reg.id)} is already stored`);
      }
      await registry.reload();
      return statusOf(find(reg.id));
    },

    async remove(id) {
      const entries = registry.entries().filter((e) => e.id === id);
      const stored = entries.find((e) => e.source.kind === 'db');
      if (stored) {
        await store.deleteRegistration(id);
        await registry.reload();
        return;
      }
      const file = entries.find((e) => e.source.kind === 'file');
      if (file && file.source.kind === 'file') {
        throw new MatrixError(
          'M_INVALID_PARAM',
          `Appservice ${id} is loaded from the file ${file.source.path}; remove that file to unregister it (it is unloaded within seconds)`,
        );
      }
      throw new MatrixError('M_NOT_FOUND', `No appservice ${id}`);
    },

    async setPaused(id, paused) {
      loaded(id);
      await store.setPaused(id, paused, now());
      await registry.reload();
      return statusOf(find(id));
    },

    async listPuppets(id, opts) {
      loaded(id);
      const page = await puppets.list(id, opts);
      return {
        puppets: page.puppets.map((p) => ({
          user_id: p.userId,
          created_ts: p.createdTs,
          deactivated: p.deactivated,
          displayname: p.displayname,
          avatar_url: p.avatarUrl,
        })),
        ...(page.nextBatch !== undefined ? { next_batch: page.nextBatch } : {}),
      };
    },

    async deliveryStatus(id) {
      find(id);
      return delivery().status(id);
    },

    async retryNow(id) {
      find(id);
      await delivery().retryNow(id);
    },

    // A removed appservice keeps its queue until it returns or this is called, so any id goes.
    dropQueue: (id) => delivery().dropQueue(id),
  };
}
