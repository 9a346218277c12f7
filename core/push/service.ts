// Push rules per user (client-server-api "Push Rules"). State: the user's changes live in the
// server-managed m.push_rules global account data (see ruleset.ts), so they survive restarts and
// reach clients through /sync's account_data. Every edit is one read-modify-write transaction of
// the account data store, serialised with all other account data writes, so concurrent edits
// never lose each other; an edit that is refused writes nothing. Rules are always the
// requester's own: the API has no user in its paths.
//
// With a notifier, rulesetFor (called by every /sync that counts) keeps users' rulesets in memory
// and drops a user's entry on each account_data update for them; the notifier relays updates
// from other hub processes too. A read that overlaps an invalidation is not cached, so the cache
// is never older than the last notification seen.
import { createHash } from 'node:crypto';
import type { ServerManagedAccountData } from '../account-data/api.ts';
import type { Notifier } from '../notifier/notifier.ts';
import type { Requester } from '../spec/endpoint.ts';
import type { PushRulesApi, PushRulesForCounts } from './api.ts';
import { serverDefaultRuleset } from './default-rules.ts';
import * as edits from './rule-edits.ts';
import { effectiveRuleset, PUSH_RULES_TYPE } from './ruleset.ts';
import { cloneRuleset, type PushRule, type RuleKind, type Ruleset } from './rules.ts';

export interface PushRulesDeps {
  accountData: ServerManagedAccountData;
  /** Enables the in-memory cache of rulesetFor. */
  notifier?: Notifier;
}

/** Not a spec number: users whose effective rulesets stay in memory. */
export const RULESET_CACHE_MAX = 10_000;

export class PushRulesService implements PushRulesApi, PushRulesForCounts {
  readonly #accountData: ServerManagedAccountData;
  readonly #cache = new Map<string, { ruleset: Ruleset; version: string }>();
  #cached = false;
  #invalidations = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(deps: PushRulesDeps) {
    this.#accountData = deps.accountData;
    if (deps.notifier) {
      this.#cached = true;
      this.#unsubscribe = deps.notifier.subscribe((u) => {
        if (u.stream !== 'account_data') return;
        this.#invalidations++;
        if (u.users) for (const user of u.users) this.#cache.delete(user);
        else this.#cache.clear();
      });
    }
  }

  close(): void {
    this.#unsubscribe?.();
    this.#cache.clear();
  }

  async getRuleset(requester: Requester): Promise<Ruleset> {
    return this.#load(requester.userId);
  }

  async getRule(requester: Requester, kind: RuleKind, ruleId: string): Promise<PushRule> {
    return edits.getRule(await this.#load(requester.userId), kind, ruleId);
  }

  async putRule(requester: Requester, kind: RuleKind, ruleId: string, body: Record<string, unknown>, where: edits.Placement): Promise<void> {
    await this.#edit(requester.userId, edits.putRule(kind, ruleId, body, where));
  }

  async deleteRule(requester: Requester, kind: RuleKind, ruleId: string): Promise<void> {
    await this.#edit(requester.userId, edits.deleteRule(kind, ruleId));
  }

  async setEnabled(requester: Requester, kind: RuleKind, ruleId: string, enabled: boolean): Promise<void> {
    await this.#edit(requester.userId, edits.setEnabled(kind, ruleId, enabled));
  }

  async setActions(requester: Requester, kind: RuleKind, ruleId: string, actions: unknown): Promise<void> {
    await this.#edit(requester.userId, edits.setActions(kind, ruleId, actions));
  }

  async rulesetFor(userId: string): Promise<{ ruleset: Ruleset; version: string }> {
    const hit = this.#cache.get(userId);
    if (hit) return hit;
    const generation = this.#invalidations;
    const loaded = await this.#loadForCounts(userId);
    if (this.#cached && generation === this.#invalidations) {
      if (this.#cache.size >= RULESET_CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(userId, loaded);
    }
    return loaded;
  }

  async #loadForCounts(userId: string): Promise<{ ruleset: Ruleset; version: string }> {
    const stored = await this.#accountData.get(userId, null, PUSH_RULES_TYPE);
    // Users who never changed a rule share the cached defaults (evaluation never mutates them).
    if (stored === null) return { ruleset: serverDefaultRuleset(userId), version: 'default' };
    const version = createHash('sha256').update(JSON.stringify(stored)).digest('base64url').slice(0, 16);
    return { ruleset: effectiveRuleset(userId, stored), version };
  }

  async #load(userId: string): Promise<Ruleset> {
    return cloneRuleset(effectiveRuleset(userId, await this.#accountData.get(userId, null, PUSH_RULES_TYPE)));
  }

  async #edit(userId: string, edit: edits.Edit): Promise<void> {
    await this.#accountData.update(userId, null, PUSH_RULES_TYPE, (cur) => edit(userId, cur));
  }
}
