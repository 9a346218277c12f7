// switchyard_appservices{state}: how many registrations are loaded, paused or refused, read from
// the registry when Prometheus scrapes.
import { Gauge, type Registry } from 'prom-client';
import type { AppserviceRegistry, AppserviceState } from './registry.ts';

const STATES: readonly AppserviceState[] = ['loaded', 'paused', 'error'];

export function registerRegistryMetrics(registry: AppserviceRegistry, metrics: Registry): void {
  new Gauge({
    name: 'switchyard_appservices',
    help: 'Appservice registrations by state (loaded, paused, error)',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      const counts = new Map<AppserviceState, number>(STATES.map((s) => [s, 0]));
      for (const e of registry.entries()) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
}
