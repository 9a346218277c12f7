// Lists reports newest first; `from` is the id to continue below (Synapse's next_token).
import { route, type Route } from '../../http/route.ts';
import { listEventReports } from '../../spec/endpoints/admin-reports.ts';

export interface ReportsForAdmin {
  reports(limit: number, beforeId: number | null): Promise<{ id: number; roomId: string; eventId: string | null; reporter: string; reason: string | null; score: number | null; ts: number }[]>;
  reportCount(): Promise<number>;
}

export function reportRoutes(deps: { reports: ReportsForAdmin }): Route[] {
  return [
    route(listEventReports, async ({ query }) => {
      const limit = query.limit ?? 100;
      const page = await deps.reports.reports(limit, query.from ?? null);
      const last = page.at(-1);
      return {
        event_reports: page.map((r) => ({
          id: r.id,
          received_ts: r.ts,
          room_id: r.roomId,
          event_id: r.eventId,
          user_id: r.reporter,
          reason: r.reason,
          score: r.score,
        })),
        total: await deps.reports.reportCount(),
        ...(page.length === limit && last ? { next_token: last.id } : {}),
      };
    }),
  ];
}
