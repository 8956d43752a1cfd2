/**
 * Web server access logs in the nginx/Apache "combined" format, one file per day:
 *   host ident user [time] "request" status bytes "referer" "user-agent"
 * Product and checkout paths match the catalog and the generated orders; bots, monitors and scripts mix in.
 */
import { products } from '../contracts/reference';
import type { Order } from './transactions';
import { Rng, Weighted } from './prng';
import { emptySummary, malformedKinds, type DatasetSummary, type LogDefect } from './summary';
import { clfTime, instantInDay, isoDay, weekdayFactor } from './time';

/** Requests per day at scale 1, besides the two checkout requests of each order. */
export const requestsPerScaleDay = 6000;

export const shopHost = 'https://shop.example.com';

type Agent = {
  ua: string;
  kind: 'desktop' | 'mobile' | 'tablet' | 'crawler' | 'script' | 'monitor';
  ip: (r: Rng) => string;
};

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function ipv4(r: Rng): string {
  // public-looking unicast addresses (first octet not 0, 10, 127 or >= 224)
  let a = r.int(1, 223);
  if (a === 10 || a === 127) a = 81;
  return `${a}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function ipv6(r: Rng, prefix = ''): string {
  const groups = prefix
    ? prefix.split(':')
    : [r.pick(['2a02', '2001', '2600', '2a01', '2406', '2804']), r.hex(4).replace(/^0+/, '') || '0'];
  while (groups.length < 8) groups.push(r.hex(r.int(1, 4)).replace(/^0+(?=.)/, ''));
  // compress one run of zeros the way servers print it, sometimes
  if (r.chance(0.4)) {
    const i = r.int(2, 5);
    return `${groups.slice(0, i).join(':')}::${groups.slice(i + 2).join(':')}`;
  }
  return groups.join(':');
}

function clientIp(r: Rng): string {
  return r.chance(0.22) ? ipv6(r) : ipv4(r);
}

const agents = new Weighted<Agent>([
  [
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      kind: 'desktop',
      ip: clientIp,
    },
    24,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      kind: 'desktop',
      ip: clientIp,
    },
    9,
  ],
  [
    {
      ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      kind: 'desktop',
      ip: clientIp,
    },
    4,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      kind: 'desktop',
      ip: clientIp,
    },
    5,
  ],
  [
    {
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      kind: 'mobile',
      ip: clientIp,
    },
    20,
  ],
  [
    {
      ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
      kind: 'mobile',
      ip: clientIp,
    },
    14,
  ],
  [
    {
      ua: 'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
      kind: 'tablet',
      ip: clientIp,
    },
    4,
  ],
  [
    {
      ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      kind: 'crawler',
      ip: (r) => (r.chance(0.2) ? ipv6(r, '2001:4860:4801') : `66.249.${r.int(64, 79)}.${r.int(1, 254)}`),
    },
    6,
  ],
  [
    {
      ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      kind: 'crawler',
      ip: (r) => `157.55.${r.int(0, 255)}.${r.int(1, 254)}`,
    },
    3,
  ],
  [{ ua: 'curl/8.5.0', kind: 'script', ip: clientIp }, 2],
  [{ ua: 'python-requests/2.32.3', kind: 'script', ip: clientIp }, 2],
  [
    {
      ua: 'UptimeRobot/2.0; http://www.uptimerobot.com/',
      kind: 'monitor',
      ip: (r) => `69.162.124.${r.int(224, 238)}`,
    },
    2,
  ],
  [
    {
      ua: 'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
      kind: 'monitor',
      ip: (r) => `178.255.15${r.int(2, 5)}.${r.int(1, 99)}`,
    },
    1,
  ],
  [{ ua: '-', kind: 'script', ip: clientIp }, 0.5],
]);

interface Req {
  method: string;
  path: string;
  query?: string;
  status: number;
  /** typical body size for a 200 */
  size: number;
  user?: string;
}

const categoriesOf = [...new Set(products.map((p) => p.category))];
const searchTerms = [
  'wireless earbuds',
  'yoga mat',
  'backpack',
  'dress',
  'kettle',
  'serum',
  'smart watch',
  'beanie',
  'lamp',
  'running shoes',
];
const campaignsUtm = ['black_friday', 'winter_sale', 'brand_search', 'retargeting', 'newsletter_w47'];

function productPath(r: Rng): string {
  const p = r.pick(products);
  return `/products/${p.id}/${slug(p.name)}`;
}

function humanRequest(r: Rng): Req {
  const x = r.next();
  if (x < 0.1) return { method: 'GET', path: '/', status: 200, size: 48_000 };
  if (x < 0.42) {
    const q = r.chance(0.18)
      ? `utm_source=${r.pick(['google', 'facebook', 'instagram', 'newsletter'])}&utm_medium=${r.pick(['cpc', 'social', 'email'])}&utm_campaign=${r.pick(campaignsUtm)}`
      : undefined;
    if (r.chance(0.03))
      return { method: 'GET', path: `/products/P-${r.int(7000, 9999)}`, status: 404, size: 3_200 };
    return { method: 'GET', path: productPath(r), query: q, status: 200, size: 36_000 };
  }
  if (x < 0.53) {
    const q = r.chance(0.5)
      ? `page=${r.int(2, 6)}&sort=${r.pick(['price_asc', 'price_desc', 'newest', 'popular'])}`
      : undefined;
    return { method: 'GET', path: `/category/${r.pick(categoriesOf)}`, query: q, status: 200, size: 41_000 };
  }
  if (x < 0.6)
    return {
      method: 'GET',
      path: '/search',
      query: `q=${encodeURIComponent(r.pick(searchTerms)).replace(/%20/g, '+')}`,
      status: 200,
      size: 29_000,
    };
  if (x < 0.65) return { method: 'GET', path: '/cart', status: 200, size: 14_000 };
  if (x < 0.69)
    return { method: 'POST', path: '/api/v1/cart/items', status: r.chance(0.9) ? 201 : 400, size: 420 };
  if (x < 0.71)
    return { method: 'DELETE', path: `/api/v1/cart/items/${r.pick(products).id}`, status: 204, size: 0 };
  if (x < 0.74) return { method: 'POST', path: '/account/login', status: r.chance(0.8) ? 302 : 401, size: 0 };
  if (x < 0.76) return { method: 'GET', path: '/account/orders', status: 200, size: 22_000 };
  if (x < 0.78) return { method: 'GET', path: `/product/${r.pick(products).id}`, status: 301, size: 0 };
  if (x < 0.79) return { method: 'OPTIONS', path: '/api/v1/cart/items', status: 204, size: 0 };
  const asset = r.pick([
    '/static/js/app.4f9c2e.js',
    '/static/css/main.91ab0d.css',
    '/static/img/logo.svg',
    '/favicon.ico',
    `/static/img/products/${r.pick(products).id}.webp`,
  ]);
  return { method: 'GET', path: asset, status: r.chance(0.25) ? 304 : 200, size: 9_000 };
}

function botRequest(r: Rng, a: Agent): Req {
  if (a.kind === 'monitor')
    return {
      method: r.chance(0.5) ? 'HEAD' : 'GET',
      path: '/healthz',
      status: r.chance(0.99) ? 200 : 503,
      size: 17,
    };
  if (a.kind === 'crawler') {
    const x = r.next();
    if (x < 0.06) return { method: 'GET', path: '/robots.txt', status: 200, size: 310 };
    if (x < 0.12) return { method: 'GET', path: '/sitemap.xml', status: 200, size: 52_000 };
    if (x < 0.2)
      return { method: 'GET', path: `/category/${r.pick(categoriesOf)}`, status: 200, size: 41_000 };
    if (x < 0.24)
      return { method: 'GET', path: `/products/P-${r.int(7000, 9999)}`, status: 404, size: 3_200 };
    return { method: 'GET', path: productPath(r), status: r.chance(0.1) ? 304 : 200, size: 36_000 };
  }
  const x = r.next();
  if (x < 0.55)
    return {
      method: 'GET',
      path: '/api/v1/products',
      query: `page=${r.int(1, 40)}&per_page=50`,
      status: r.chance(0.12) ? 429 : r.chance(0.1) ? 401 : 200,
      size: 18_000,
    };
  if (x < 0.7)
    return {
      method: 'GET',
      path: r.pick(['/wp-login.php', '/.env', '/phpmyadmin/', '/.git/config', '/xmlrpc.php']),
      status: 404,
      size: 3_200,
    };
  if (x < 0.8) return { method: 'GET', path: '/admin', status: 403, size: 1_100 };
  if (x < 0.85)
    return {
      method: 'POST',
      path: '/admin/login',
      status: 401,
      size: 900,
      user: r.pick(['admin', 'root', 'test']),
    };
  return { method: 'GET', path: '/', status: 200, size: 48_000 };
}

const referrers = new Weighted<(r: Rng) => string>([
  [() => '-', 40],
  [() => 'https://www.google.com/', 20],
  [(r) => `${shopHost}${r.pick(['/', `/category/${r.pick(categoriesOf)}`, productPath(r), '/cart'])}`, 28],
  [
    (r) =>
      r.pick([
        'https://t.co/',
        'https://www.instagram.com/',
        'https://www.facebook.com/',
        'https://www.reddit.com/r/BuyItForLife/',
        'https://duckduckgo.com/',
      ]),
    9,
  ],
  [(r) => `https://www.bing.com/search?q=${r.pick(searchTerms).replace(/ /g, '+')}`, 3],
]);

const defectPicker = new Weighted(
  (Object.keys(malformedKinds.server_logs) as LogDefect[]).map((k) => [k, 1] as const),
);

interface Line {
  t: number;
  ip: string;
  user: string;
  req: Req;
  proto: string;
  referrer: string;
  ua: string;
}

function render(l: Line, offsetMin: number, r: Rng): string {
  const status =
    l.req.status >= 500 || l.req.status === 304
      ? l.req.status
      : r.chance(0.015) && !l.req.path.startsWith('/static')
        ? r.pick([500, 502, 503, 504])
        : l.req.status;
  const noBody =
    status === 304 ||
    status === 204 ||
    l.req.method === 'HEAD' ||
    (status >= 500 && r.chance(0.5)) ||
    l.req.size === 0;
  const bytes = noBody ? '-' : String(Math.max(1, Math.round(l.req.size * r.range(0.6, 1.4))));
  const target = l.req.query ? `${l.req.path}?${l.req.query}` : l.req.path;
  return `${l.ip} - ${l.user} [${clfTime(l.t, offsetMin)}] "${l.req.method} ${target} ${l.proto}" ${status} ${bytes} "${l.referrer}" "${l.ua}"`;
}

/** Offsets the day's log file is written in: servers in several regions. */
const serverOffsets = [0, 0, 60, -300, 330, -480, 120, 540];

export interface LogDayOptions {
  seed: number;
  dayMs: number;
  scale: number;
  badRate: number;
  /** the day's orders: each leaves a checkout POST and a confirmation page view */
  orders: readonly Order[];
}

/** One day's access log file, lines in time order. */
export function serverLogDayFile(
  o: LogDayOptions,
  summary: DatasetSummary = emptySummary('server_logs'),
): { name: string; content: Buffer } {
  const day = isoDay(o.dayMs);
  const r = Rng.derive(o.seed, `logs:${day}`);
  const bad = Rng.derive(o.seed, `logs-bad:${day}`);
  const offsetMin = r.pick(serverOffsets);
  const lines: Line[] = [];
  const n = r.count(requestsPerScaleDay * o.scale * weekdayFactor(o.dayMs) * r.range(0.9, 1.1));
  for (let i = 0; i < n; i++) {
    const a = agents.draw(r);
    const human = a.kind === 'desktop' || a.kind === 'mobile' || a.kind === 'tablet';
    const req = human ? humanRequest(r) : botRequest(r, a);
    const t = a.kind === 'monitor' ? o.dayMs + r.int(0, 86_399_999) : instantInDay(r, o.dayMs, 0);
    lines.push({
      t,
      ip: a.ip(r),
      user:
        req.user ??
        (req.path.startsWith('/account') && r.chance(0.3) ? r.pick(['jdoe', 'maria', 'ops']) : '-'),
      req,
      proto: a.ua.startsWith('curl') && r.chance(0.5) ? 'HTTP/1.0' : r.chance(0.35) ? 'HTTP/2.0' : 'HTTP/1.1',
      referrer: human ? referrers.draw(r)(r) : '-',
      ua: a.ua,
    });
  }
  for (const order of o.orders) {
    const a = agents.draw(r);
    const ua = a.kind === 'desktop' || a.kind === 'mobile' || a.kind === 'tablet' ? a.ua : agents.draw(r).ua;
    const ip = clientIp(r);
    const base = { ip, user: '-', proto: r.chance(0.35) ? 'HTTP/2.0' : 'HTTP/1.1', ua };
    const t0 = Math.max(o.dayMs, order.createdAt - r.int(500, 4000));
    lines.push({
      ...base,
      t: t0,
      req: { method: 'POST', path: '/checkout', status: 302, size: 0 },
      referrer: `${shopHost}/cart`,
    });
    lines.push({
      ...base,
      t: order.createdAt,
      req: {
        method: 'GET',
        path: '/checkout/complete',
        query: `order_id=${order.orderId}`,
        status: 200,
        size: 12_000,
      },
      referrer: `${shopHost}/checkout`,
    });
  }
  lines.sort((a, b) => a.t - b.t);
  const chunks: Buffer[] = [];
  let text = '';
  for (const l of lines) {
    const s = render(l, offsetMin, r);
    summary.records++;
    if (!bad.chance(o.badRate)) {
      summary.valid++;
      text += `${s}\n`;
      continue;
    }
    const kind = defectPicker.draw(bad);
    summary.malformed[kind] = (summary.malformed[kind] ?? 0) + 1;
    if (kind === 'truncated_line') {
      // cut inside the quoted request: the line ends before the request's closing quote
      const open = s.indexOf('"');
      const close = s.indexOf('"', open + 1);
      text += `${s.slice(0, bad.int(open + 1, close - 1))}\n`;
    } else {
      chunks.push(Buffer.from(text, 'utf8'));
      text = '';
      chunks.push(garbage(bad), Buffer.from('\n'));
    }
  }
  chunks.push(Buffer.from(text, 'utf8'));
  summary.files++;
  return { name: `access-${day}.log`, content: Buffer.concat(chunks) };
}

/** Binary garbage on one line (TLS hellos and random bytes sent to the HTTP port), never a line break. */
function garbage(r: Rng): Buffer {
  const n = r.int(12, 90);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let v = r.int(0, 255);
    if (v === 0x0a || v === 0x0d) v = 0xfe;
    b[i] = v;
  }
  b[0] = 0x16;
  b[1] = 0x03;
  b[2] = 0xff;
  return b;
}
