// Prometheus metrics, one registry per bridge instance (several bridges may share a process in the
// hub's plugin host, so nothing goes to prom-client's global registry).
import { Counter, Gauge, Registry } from 'prom-client';
import type { LoginState } from './connector.ts';

export type Direction = 'matrix_to_remote' | 'remote_to_matrix';
const STATES: readonly LoginState[] = ['connecting', 'connected', 'transient_disconnect', 'bad_credentials', 'logged_out'];

export interface BridgeMetrics {
  readonly registry: Registry;
  bridged(direction: Direction): void;
  failed(direction: Direction): void;
}

export function createMetrics(labels: { network: string; name: string }, loginStates: () => LoginState[]): BridgeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ network: labels.network, bridge: labels.name });
  const messages = new Counter({ name: 'bridge_messages_total', help: 'Messages bridged, by direction.', labelNames: ['direction'], registers: [registry] });
  const failures = new Counter({ name: 'bridge_message_failures_total', help: 'Messages that could not be bridged, by direction.', labelNames: ['direction'], registers: [registry] });
  new Gauge({
    name: 'bridge_logins',
    help: 'Logins by bridge state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const states = loginStates();
      for (const s of STATES) this.set({ state: s }, states.filter((x) => x === s).length);
    },
  });
  for (const d of ['matrix_to_remote', 'remote_to_matrix'] as const) {
    messages.inc({ direction: d }, 0);
    failures.inc({ direction: d }, 0);
  }
  return {
    registry,
    bridged: (direction) => messages.inc({ direction }),
    failed: (direction) => failures.inc({ direction }),
  };
}
