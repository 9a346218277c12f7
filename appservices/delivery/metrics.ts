// Prometheus metrics of appservice delivery, labelled by appservice id (a handful per hub):
// state, what was sent, failures, persist→2xx latency, lag and queue depth (gauges read at
// scrape time from the database and the sender).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueuedTxn } from './store.ts';

export interface LagSource {
  ids(): string[];
  state(asId: string): 'up' | 'down' | 'paused';
  /** Events behind the stream end, seconds since the oldest queued transaction was stored, queued transactions. */
  lag(asId: string): Promise<{ events: number; seconds: number; queued: number }>;
}

export class DeliveryMetrics {
  readonly #sentEvents: Counter;
  readonly #sentEphemeral: Counter;
  readonly #sentToDevice: Counter;
  readonly #txnsSent: Counter;
  readonly #txnsFailed: Counter;
  readonly #latency: Histogram;

  constructor(registry: Registry, source: LagSource) {
    const labelNames = ['appservice_id'] as const;
    const registers = [registry];
    this.#sentEvents = new Counter({ name: 'switchyard_appservice_events_sent_total', help: 'Events delivered', labelNames, registers });
    this.#sentEphemeral = new Counter({ name: 'switchyard_appservice_ephemeral_sent_total', help: 'Ephemeral events delivered', labelNames, registers });
    this.#sentToDevice = new Counter({ name: 'switchyard_appservice_to_device_sent_total', help: 'To-device messages delivered', labelNames, registers });
    this.#txnsSent = new Counter({ name: 'switchyard_appservice_transactions_sent_total', help: 'Transactions acknowledged with a 2xx', labelNames, registers });
    this.#txnsFailed = new Counter({ name: 'switchyard_appservice_transactions_failed_total', help: 'Failed transaction attempts', labelNames, registers });
    this.#latency = new Histogram({
      name: 'switchyard_appservice_delivery_latency_seconds',
      help: 'From storing a transaction to its 2xx',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30, 300],
      registers,
    });
    new Gauge({
      name: 'switchyard_appservice_up',
      help: 'Delivery state per appservice: 1 for the current state (up, down, paused)',
      labelNames: ['appservice_id', 'state'],
      registers,
      collect() {
        this.reset();
        for (const id of source.ids()) for (const s of ['up', 'down', 'paused'] as const) this.set({ appservice_id: id, state: s }, source.state(id) === s ? 1 : 0);
      },
    });
    const lagGauge = (name: string, help: string, pick: (l: { events: number; seconds: number; queued: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          for (const id of source.ids()) this.set({ appservice_id: id }, pick(await source.lag(id)));
        },
      });
    lagGauge('switchyard_appservice_lag_events', 'Events after the delivery cursor', (l) => l.events);
    lagGauge('switchyard_appservice_lag_seconds', 'Age of the oldest queued transaction', (l) => l.seconds);
    lagGauge('switchyard_appservice_queue_depth', 'Queued (unacknowledged) transactions', (l) => l.queued);
  }

  sent(txn: QueuedTxn, now: number): void {
    const l = { appservice_id: txn.asId };
    this.#sentEvents.inc(l, txn.events);
    this.#sentEphemeral.inc(l, txn.ephemeral);
    this.#sentToDevice.inc(l, txn.toDevice);
    this.#txnsSent.inc(l);
    this.#latency.observe(l, Math.max(0, now - txn.createdTs) / 1000);
  }

  failed(asId: string): void {
    this.#txnsFailed.inc({ appservice_id: asId });
  }
}
