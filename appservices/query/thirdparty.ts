// Third-party lookups aggregated over the appservices (application-service-api "Third party
// networks"; client-server-api "Third-party Networks"). A protocol is served by every loaded
// appservice whose registration lists it in `protocols`; each is asked
// GET {url}/_matrix/app/v1/thirdparty/... through the query client (own timeout and
// concurrency). Metadata: the first answering appservice's (by id) gives the fields, instances are
// merged, each gets `instance_id` = `<appservice id>|<network_id>` (as Synapse names them; the
// /publicRooms `third_party_instance_id`). Lists are concatenated. An appservice that fails is
// left out; one whose every appservice failed or that nobody declares is M_NOT_FOUND.
import type { JsonObj, ThirdPartyLookups } from '../../core/ports/thirdparty.ts';
import { MatrixError } from '../../core/spec/errors.ts';
import type { AppserviceRegistry } from '../registry/registry.ts';
import type { Registration } from '../registry/registration.ts';
import type { AppserviceQueryClient } from './client.ts';
import { instanceId } from './room-lists.ts';

const TP = '/_matrix/app/v1/thirdparty';
const isObj = (v: unknown): v is JsonObj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createThirdPartyLookups(deps: { registry: Pick<AppserviceRegistry, 'active'>; client: AppserviceQueryClient }): ThirdPartyLookups {
  const { client } = deps;
  const serving = (protocol: string): Registration[] =>
    deps.registry
      .active()
      .filter((r) => r.url !== null && r.protocols.includes(protocol))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  const withProtocols = (): Registration[] => deps.registry.active().filter((r) => r.url !== null && r.protocols.length > 0);

  async function metadata(protocol: string): Promise<JsonObj | null> {
    const answers = await Promise.all(
      serving(protocol).map(async (as) => ({ as, res: await client.get(as, `${TP}/protocol/${encodeURIComponent(protocol)}`) })),
    );
    let merged: JsonObj | null = null;
    const instances: JsonObj[] = [];
    for (const { as, res } of answers) {
      if (!res.ok || !isObj(res.body)) continue;
      merged ??= { ...res.body };
      const list = Array.isArray(res.body.instances) ? res.body.instances : [];
      for (const inst of list) {
        if (!isObj(inst)) continue;
        instances.push(typeof inst.network_id === 'string' ? { ...inst, instance_id: instanceId(as.id, inst.network_id) } : { ...inst });
      }
    }
    return merged ? { ...merged, instances } : null;
  }

  async function lists(targets: Registration[], path: string, query: Record<string, string>): Promise<JsonObj[]> {
    const answers = await Promise.all(targets.map((as) => client.get(as, path, query)));
    return answers.flatMap((res) => (res.ok && Array.isArray(res.body) ? res.body.filter(isObj) : []));
  }

  const known = (protocol: string): Registration[] => {
    const targets = serving(protocol);
    if (targets.length === 0) throw new MatrixError('M_NOT_FOUND', `Unknown protocol ${protocol}`);
    return targets;
  };
  const nonEmpty = (found: JsonObj[], what: string): JsonObj[] => {
    if (found.length === 0) throw new MatrixError('M_NOT_FOUND', `No ${what} found`);
    return found;
  };

  return {
    async protocols() {
      const names = [...new Set(withProtocols().flatMap((r) => r.protocols))].sort();
      const out: Record<string, JsonObj> = {};
      const metas = await Promise.all(names.map((p) => metadata(p)));
      names.forEach((p, i) => {
        if (metas[i]) out[p] = metas[i];
      });
      return out;
    },
    async protocol(protocol) {
      known(protocol);
      const meta = await metadata(protocol);
      if (!meta) throw new MatrixError('M_NOT_FOUND', `Protocol ${protocol} is not available`);
      return meta;
    },
    locations: (protocol, fields) => lists(known(protocol), `${TP}/location/${encodeURIComponent(protocol)}`, fields),
    users: (protocol, fields) => lists(known(protocol), `${TP}/user/${encodeURIComponent(protocol)}`, fields),
    locationsByAlias: async (alias) => nonEmpty(await lists(withProtocols(), `${TP}/location`, { alias }), 'portal rooms'),
    usersByUserId: async (userId) => nonEmpty(await lists(withProtocols(), `${TP}/user`, { userid: userId }), 'third-party users'),
  };
}
