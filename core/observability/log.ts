// Structured logs: one JSON object per line on stdout. Fields are low-cardinality context
// (room_id, appservice_id, endpoint); tokens, passwords and keys are never logged (DESIGN §4.10).
import type { LogLevel } from '../config/schema.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(level: LogLevel, base: LogFields = {}, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const err = fields?.err instanceof Error ? { err: fields.err.message, stack: fields.err.stack } : {};
    write(JSON.stringify({ ts: new Date().toISOString(), level: lvl, msg, ...base, ...fields, ...err }) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}
