// The frame of the server-rendered authorization pages: one small inline stylesheet, no scripts, no external
// resources, every dynamic value escaped.

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Marks a fragment as already-safe HTML. */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });
/** A template tag that escapes every interpolated value except `Html` fragments (and arrays of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return raw(out);
}
function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (typeof v === 'object' && 'html' in (v as Html)) return (v as Html).html;
  return esc(String(v));
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:#f7f9f9;
 font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#0f1419}
main{width:100%;max-width:440px;margin:48px 16px;background:#fff;border:1px solid #e1e8ed;border-radius:16px;padding:28px 32px}
.brand{display:flex;align-items:center;gap:8px;font-weight:700;font-size:14px;color:#536471;margin-bottom:20px}
.brand svg{width:20px;height:20px}
h1{font-size:22px;line-height:1.25;margin:0 0 8px}
p{margin:0 0 14px}
.muted{color:#536471;font-size:14px}
.app{display:flex;align-items:center;gap:12px;margin:4px 0 18px}
.avatar{flex:none;width:44px;height:44px;border-radius:10px;background:#1d9bf0;color:#fff;font-weight:700;font-size:20px;
 display:flex;align-items:center;justify-content:center}
.app b{display:block;font-size:16px}
label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px}
input[type=text],input[type=password],input[type=url],input[type=number]{width:100%;padding:11px 12px;font:inherit;border:1px solid #cfd9de;border-radius:6px}
input:focus{outline:2px solid #1d9bf0;border-color:transparent}
select,textarea{width:100%;padding:10px 12px;font:inherit;border:1px solid #cfd9de;border-radius:6px;background:#fff;color:#0f1419}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
select:focus,textarea:focus{outline:2px solid #1d9bf0;border-color:transparent}
a{color:#0b63a8}
.notice{background:#e8f5fd;border:1px solid #1d9bf0;border-radius:8px;padding:10px 12px;margin:0 0 14px;font-size:14px}
.hint{margin:6px 0 0}
dl.keys{margin:0 0 18px}
dl.keys dt{font-weight:600;font-size:14px;margin-top:10px}
dl.keys dd{margin:2px 0 0}
dl.keys code{font-size:13px;word-break:break-all;background:#f7f9f9;padding:2px 4px;border-radius:4px}
form.regen{margin:0 0 14px}
ul.scopes{list-style:none;padding:0;margin:0 0 18px;border-top:1px solid #eff3f4}
ul.scopes li{padding:10px 0 10px 30px;border-bottom:1px solid #eff3f4;position:relative}
ul.scopes li:before{content:"\\2713";position:absolute;left:4px;top:9px;color:#00ba7c;font-weight:700}
ul.scopes code{font-size:12px;color:#536471;display:block}
.actions{display:flex;flex-direction:column;gap:10px;margin-top:22px}
button{font:inherit;font-weight:700;padding:11px 16px;border-radius:999px;cursor:pointer;border:1px solid #0f1419}
button.primary{background:#0f1419;color:#fff}
button.secondary{background:#fff;color:#0f1419;border-color:#cfd9de}
.error{background:#fdecee;border:1px solid #f4212e;color:#9b0d16;border-radius:8px;padding:10px 12px;margin:0 0 14px;font-size:14px}
.who{background:#f7f9f9;border-radius:8px;padding:10px 12px;font-size:14px;margin:0 0 16px}
.pin{font:700 32px/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:6px;text-align:center;
 background:#f7f9f9;border-radius:8px;padding:14px;margin:10px 0 16px}
footer{margin-top:18px;font-size:12px;color:#536471}
main.wide{max-width:880px}
table{width:100%;border-collapse:collapse;font-size:14px;margin:0 0 18px}
th,td{text-align:left;padding:8px 6px;border-bottom:1px solid #eff3f4;vertical-align:top}
td code{font-size:12px;word-break:break-all}
.bar{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:10px;margin:0 0 18px}
h2{font-size:18px;margin:22px 0 8px}
div.check{display:flex;gap:8px;align-items:flex-start;margin:10px 0 0}
div.check input{margin-top:4px;flex:none}
div.check label{margin:0;font-weight:400}
section.aside{border-top:1px solid #eff3f4;margin-top:26px}
nav.portal{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:14px;margin:0 0 14px}
svg.chart{display:block;width:100%;height:auto;max-width:640px;margin:0 0 14px}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.events code{overflow-wrap:anywhere}
section.webhook{border:1px solid #e1e8ed;border-radius:12px;padding:0 16px 6px;margin:0 0 16px}
section.webhook h3{font-size:16px;margin:14px 0 8px}
section.webhook h4{font-size:14px;margin:14px 0 4px}
.row-actions{display:flex;flex-wrap:wrap;align-items:center;gap:10px 16px;margin:12px 0 8px}
.row-actions form{margin:0}
ul.subs,ol.log{list-style:none;padding:0;margin:0 0 14px}
ul.subs>li,ol.log>li{padding:8px 0;border-bottom:1px solid #eff3f4;font-size:14px}
ol.log summary{font-weight:400}
.delivery-ok{color:#006b45;font-weight:700}
.delivery-failed{color:#b0101c;font-weight:700}
.window{display:flex;flex-wrap:wrap;gap:0 16px}
input[type=datetime-local]{padding:10px 12px;font:inherit;border:1px solid #cfd9de;border-radius:6px;max-width:100%}
.error ul{margin:6px 0 0;padding-left:20px}
svg.chart[data-size=narrow]{display:none;max-width:360px}
@media (max-width:640px){svg.chart[data-size=wide]{display:none}svg.chart[data-size=narrow]{display:block}}
pre.wrap{margin:4px 0 12px;padding:8px 10px;background:#f7f9f9;border-radius:6px;white-space:pre-wrap;word-break:break-all;
 font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}
summary{cursor:pointer;font-weight:600}
details[open]>summary{margin-bottom:8px}
ol.base-strings{padding-left:20px;margin:0 0 8px}
.verdict-accepted{color:#006b45}
.verdict-refused{color:#b0101c}
tr.has-expected td{border-bottom:0}
tr.expected details{border-left:3px solid #cfd9de;padding-left:12px}
.nowrap{white-space:nowrap}
table.days th,table.days td{padding-left:4px;padding-right:4px}
th.group{padding-top:14px;font-size:13px;color:#536471;text-transform:uppercase;letter-spacing:.04em}
`;

const LOGO = raw(
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="#f91880" d="M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54z"/></svg>',
);

/** A complete page around `body` (the empty data: icon keeps browsers from asking for /favicon.ico). */
export function page(title: string, body: Html, options: { footer?: string; wide?: boolean } = {}): string {
  const footer = options.footer ?? "A self-hosted stand-in for X's authorization pages.";
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${title} / Likes API</title><style>${raw(CSS)}</style></head><body>${raw(options.wide ? '<main class="wide">' : '<main>')}${html`<div class="brand">${LOGO}<span>Likes API</span></div>`}${body}<footer>${footer}</footer></main></body></html>`.html}`;
}

/** Headers of every page: no framing (with the server's x-frame-options), no scripts, nothing loaded from elsewhere. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};
