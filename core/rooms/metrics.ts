// Write-path metrics (DESIGN §4.10): batch sizes show group commit at work, batch latency the
// database's share of a send, stale writes the cross-process contention on rooms.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface PersistMetrics {
  batch(events: number, writes: number, seconds: number): void;
  stale(): void;
}

export function persistMetrics(registry: Registry): PersistMetrics {
  const events = new Histogram({
    name: 'switchyard_rooms_persist_batch_events',
    help: 'Events committed per group-commit transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'switchyard_rooms_persist_batch_duration_seconds',
    help: 'Time to commit one batch of room writes',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3, 1],
    registers: [registry],
  });
  const writes = new Counter({ name: 'switchyard_rooms_persist_writes_total', help: 'Room writes committed', registers: [registry] });
  const stale = new Counter({
    name: 'switchyard_rooms_stale_writes_total',
    help: 'Room writes refused because another process wrote to the room first (rebuilt and retried)',
    registers: [registry],
  });
  return {
    batch(n, w, s) {
      events.observe(n);
      seconds.observe(s);
      writes.inc(w);
    },
    stale: () => stale.inc(),
  };
}
