// irc-framework's event objects → the typed IrcEvent. Pure, so the mapping is unit-testable.
import { parseCtcpAction } from '../convert/message.ts';
import type { IrcEvent, IrcTags, ModeChange } from './types.ts';

export interface RawEvent {
  nick?: string;
  target?: string;
  message?: string;
  tags?: Record<string, string>;
  time?: number;
  channel?: string;
  kicked?: string;
  new_nick?: string;
  topic?: string;
  modes?: { mode: string; param?: string }[];
  users?: { nick: string; modes: string[] }[];
}

export interface MapContext {
  ownNick: string;
  isChannel: (target: string) => boolean;
  caseEqual: (a: string, b: string) => boolean;
  now: () => number;
}

function base(e: RawEvent, ctx: MapContext): { time: number; serverTime: boolean; tags: IrcTags } {
  return { time: e.time ?? ctx.now(), serverTime: e.time !== undefined, tags: { ...(e.tags ?? {}) } };
}

export const FLOOD_KICK = /flood/i;

export function mapEvent(name: string, e: RawEvent, ctx: MapContext): IrcEvent | undefined {
  const self = (nick: string | undefined) => nick !== undefined && ctx.caseEqual(nick, ctx.ownNick);
  const b = base(e, ctx);
  switch (name) {
    case 'privmsg':
    case 'action':
    case 'notice': {
      if (!e.nick || e.target === undefined) return undefined; // server notices are not messages
      let text = e.message ?? '';
      let kind = name as 'privmsg' | 'action' | 'notice';
      // irc-framework strips "\x01ACTION …\x01" itself; guard for servers that echo it raw.
      if (kind === 'privmsg') {
        const ctcp = parseCtcpAction(text);
        if (!ctcp) return undefined;
        kind = ctcp.kind;
        text = ctcp.text;
      }
      const isChannel = ctx.isChannel(e.target);
      const echo = self(e.nick);
      const msg: IrcEvent = {
        ...b, type: 'message', kind, from: e.nick, target: e.target, isChannel, text, echo,
        conversation: isChannel ? e.target : echo ? e.target : e.nick,
      };
      if (b.tags.msgid) msg.msgid = b.tags.msgid;
      if (b.tags['+draft/reply']) msg.replyTo = b.tags['+draft/reply'];
      return msg;
    }
    case 'tagmsg': {
      const key = b.tags['+draft/react'];
      const reactTo = b.tags['+draft/reply'];
      if (!e.nick || e.target === undefined || !key || !reactTo) return undefined;
      const isChannel = ctx.isChannel(e.target);
      const echo = self(e.nick);
      return { ...b, type: 'react', from: e.nick, target: e.target, conversation: isChannel || echo ? e.target : e.nick, reactTo, key, echo };
    }
    case 'join':
      return { ...b, type: 'join', channel: e.channel ?? '', nick: e.nick ?? '', self: self(e.nick) };
    case 'part':
      return { ...b, type: 'part', channel: e.channel ?? '', nick: e.nick ?? '', reason: e.message ?? '', self: self(e.nick) };
    case 'quit':
      return { ...b, type: 'quit', nick: e.nick ?? '', reason: e.message ?? '', self: self(e.nick) };
    case 'kick': {
      const reason = e.message ?? '';
      return {
        ...b, type: 'kick', channel: e.channel ?? '', by: e.nick ?? '', nick: e.kicked ?? '', reason,
        self: self(e.kicked), flood: FLOOD_KICK.test(reason),
      };
    }
    case 'nick':
      return { ...b, type: 'nick', oldNick: e.nick ?? '', newNick: e.new_nick ?? '', self: self(e.nick) };
    case 'topic': {
      const ev: IrcEvent = { ...b, type: 'topic', channel: e.channel ?? '', topic: e.topic ?? '' };
      if (e.nick) ev.by = e.nick;
      return ev;
    }
    case 'mode': {
      const changes: ModeChange[] = (e.modes ?? []).map((m) => {
        const c: ModeChange = { add: m.mode.startsWith('+'), mode: m.mode.slice(1) };
        if (m.param !== undefined && m.param !== null) c.param = m.param;
        return c;
      });
      return { ...b, type: 'mode', target: e.target ?? '', by: e.nick ?? '', changes };
    }
    case 'userlist':
      return { type: 'names', channel: e.channel ?? '', members: (e.users ?? []).map((u) => ({ nick: u.nick, modes: [...u.modes] })) };
    default:
      return undefined;
  }
}
