/**
 * The HTML page around the plots: one file, no script, no external resource (a Content-Security-Policy says so to the
 * browser too), plots inline as SVG so they print, scale and can be searched as text. Every string given here is
 * plain text and is escaped; only `Html` values (built by these helpers) are inserted as markup.
 */
import { escapeHtml } from './escape.ts';

/** Markup that is safe to insert: made only by the helpers below, from escaped text. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type Content = string | number | Html | readonly Content[] | undefined;

export function text(content: Content): string {
  if (content === undefined) return '';
  if (content instanceof Html) return content.markup;
  if (typeof content === 'number') return escapeHtml(String(content));
  if (typeof content === 'string') return escapeHtml(content);
  return content.map(text).join('');
}

/** An element with escaped content; `attributes` values are escaped too; names are ours, never the user's. */
export function el(tag: string, attributes: Record<string, string | undefined>, ...children: Content[]): Html {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v!)}"`)
    .join('');
  return new Html(`<${tag}${attrs}>${children.map(text).join('')}</${tag}>`);
}

/** SVG text produced by the plot renderer (vega escapes the text it draws); trusted because we rendered it. */
export function renderedSvg(svg: string): Html {
  return new Html(svg.replace(/^<\?xml[^>]*>\s*/, ''));
}

export function table(headers: readonly Content[], rows: readonly (readonly Content[])[], className?: string): Html {
  return el('table', { class: className },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 24px 48px; background: white; }
h1 { font-size: 22px; margin: 8px 0 4px; word-break: break-word; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
p.meta { color: #666; font-size: 12px; margin: 0 0 12px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
table.summary th { width: 230px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 18px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: #555; margin-top: 4px; max-width: 860px; }
.row { display: flex; flex-wrap: wrap; gap: 24px; }
.row figure { flex: 0 1 420px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
.card { border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px 10px; }
.card figure { margin: 4px 0; }
.flag { color: #d62728; font-weight: bold; }
.notes li { font-size: 13px; color: #6a4a00; }
pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
`;

export function page(title: string, body: Content): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="dadkit">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${text(body)}
</main>
</body>
</html>
`;
}
