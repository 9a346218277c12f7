// One prom-client registry per hub instance (several instances share a process in tests), with
// process metrics. Components register their own metrics on it, named
// switchyard_<component>_<thing>_<unit> (DESIGN §4.10).
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  return registry;
}
