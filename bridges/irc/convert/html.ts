// Spans ↔ Matrix `formatted_body` (format org.matrix.custom.html), using only tags from the
// spec's suggested set (Client-Server API, "m.room.message msgtypes", HTML formatting): b, i, u,
// del, code, span with data-mx-color/data-mx-bg-color, a, br. Reverse video has no HTML form and
// is rendered as plain text. The HTML reader is a small tolerant tokenizer, not a sanitizer: its
// output is IRC text, so unknown tags only lose their formatting, never leak markup.
import { PLAIN, normalizeSpans, type Span, type Style } from './irc-format.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ent: string) => {
    if (ent[0] === '#') {
      const cp = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[ent.toLowerCase()] ?? whole;
  });
}

/** Renders text already escaped by `renderText` (which may add mention links). */
export function spansToHtml(spans: readonly Span[], renderText: (text: string) => string = escapeHtml): string {
  return spans.map((s) => {
    let html = renderText(s.text).replace(/\n/g, '<br>');
    const st = s.style;
    if (st.monospace) html = `<code>${html}</code>`;
    if (st.strike) html = `<del>${html}</del>`;
    if (st.underline) html = `<u>${html}</u>`;
    if (st.italic) html = `<i>${html}</i>`;
    if (st.bold) html = `<b>${html}</b>`;
    if (st.fg !== undefined || st.bg !== undefined) {
      const attrs = [st.fg && `data-mx-color="${st.fg}"`, st.bg && `data-mx-bg-color="${st.bg}"`].filter(Boolean).join(' ');
      html = `<span ${attrs}>${html}</span>`;
    }
    return html;
  }).join('');
}

export interface HtmlReadOptions {
  /** Text for a link; e.g. a matrix.to user pill becomes the IRC nick. Default: the link text, then " <href>" if it differs. */
  link?: (href: string, text: string) => string;
}

const BLOCK = new Set(['p', 'div', 'li', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'ul', 'ol', 'table', 'hr', 'details', 'summary']);
const VOID = new Set(['br', 'hr', 'img']);

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

function colour(v: string | undefined): string | undefined {
  return v && /^#[0-9a-fA-F]{6}$/.test(v) ? v.toLowerCase() : undefined;
}

interface Frame { tag: string; style: Style; href?: string; start: number }

/** Parses Matrix HTML into spans; block elements and <br> become '\n'. Drops <mx-reply>. */
export function htmlToSpans(html: string, opts: HtmlReadOptions = {}): Span[] {
  const spans: Span[] = [];
  const stack: Frame[] = [{ tag: '', style: { ...PLAIN }, start: 0 }];
  let skipDepth = 0;
  const top = () => stack[stack.length - 1]!;
  const push = (text: string, style: Style = top().style) => {
    if (!skipDepth && text) spans.push({ text, style: { ...style } });
  };
  const newline = () => {
    const last = spans.at(-1);
    if (!skipDepth && last && !last.text.endsWith('\n')) push('\n', PLAIN);
  };
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>|<!--[\s\S]*?-->|([^<]+|<)/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const [, close, rawTag, attrs = '', text] = m;
    if (text !== undefined) { push(decodeEntities(text)); continue; }
    if (rawTag === undefined) continue;
    const tag = rawTag.toLowerCase();
    if (tag === 'mx-reply') { skipDepth += close ? -1 : 1; skipDepth = Math.max(0, skipDepth); continue; }
    if (tag === 'br') { if (!skipDepth) push('\n', PLAIN); continue; }
    if (BLOCK.has(tag)) newline();
    if (VOID.has(tag)) continue;
    if (close) {
      const at = stack.map((f) => f.tag).lastIndexOf(tag);
      if (at <= 0) continue;
      const frame = stack[at]!;
      stack.length = at;
      if (frame.href !== undefined && !skipDepth) {
        const inner = spans.splice(frame.start);
        const text = inner.map((s) => s.text).join('');
        const replaced = opts.link ? opts.link(frame.href, text) : text === frame.href || !frame.href ? text : `${text} <${frame.href}>`;
        if (replaced === text) spans.push(...inner);
        else push(replaced, frame.style);
      }
      continue;
    }
    const style = { ...top().style };
    if (tag === 'b' || tag === 'strong') style.bold = true;
    else if (tag === 'i' || tag === 'em') style.italic = true;
    else if (tag === 'u') style.underline = true;
    else if (tag === 'del' || tag === 's' || tag === 'strike') style.strike = true;
    else if (tag === 'code' || tag === 'pre') style.monospace = true;
    else if (tag === 'span' || tag === 'font') {
      const fg = colour(attr(attrs, 'data-mx-color') ?? attr(attrs, 'color'));
      const bg = colour(attr(attrs, 'data-mx-bg-color'));
      if (fg) style.fg = fg;
      if (bg) style.bg = bg;
    }
    const frame: Frame = { tag, style, start: spans.length };
    if (tag === 'a') frame.href = attr(attrs, 'href') ?? '';
    stack.push(frame);
  }
  const out = normalizeSpans(spans);
  // Block ends leave a trailing newline that carries no content.
  const last = out.at(-1);
  if (last && last.text.endsWith('\n')) {
    last.text = last.text.replace(/\n+$/, '');
    if (!last.text) out.pop();
  }
  return out;
}
