/**
 * Social media posts about the shop: JSON Lines exports (twitter, reddit, tiktok) and JSON array exports
 * (instagram, facebook), one file per platform and week. Posts mention real catalog products with positive,
 * negative or neutral wording in several languages, with hashtags, mentions, a nested user and metrics.
 */
import { products, type Product } from '../contracts/reference';
import { Rng, Weighted } from './prng';
import { emptySummary, type DatasetSummary, type PostDefect } from './summary';
import { DAY_MS, instantInDay, isoDay, isoWithOffset } from './time';

export type Platform = 'twitter' | 'instagram' | 'facebook' | 'tiktok' | 'reddit';
export type Sentiment = 'positive' | 'neutral' | 'negative';

export interface SocialPost {
  post_id: string;
  platform: Platform;
  created_at: string;
  text: string;
  lang?: string;
  user: { id: string; handle: string; followers: number; verified: boolean };
  hashtags: string[];
  mentions: string[];
  metrics: { likes: number; shares: number; comments: number };
  url: string;
}

/** Posts per day at scale 1 (all platforms). */
export const postsPerScaleDay = 240;
export const shopHandle = 'shopexample';

const platformPicker = new Weighted<Platform>([
  ['twitter', 35],
  ['instagram', 25],
  ['facebook', 15],
  ['tiktok', 15],
  ['reddit', 10],
]);
/** Platforms whose exports are JSON arrays; the others export JSON Lines. */
const arrayPlatforms: ReadonlySet<Platform> = new Set(['instagram', 'facebook']);

type Templates = Record<Sentiment, readonly string[]>;
const templates: Record<string, Templates> = {
  en: {
    positive: [
      'Absolutely love my new {p}! Best purchase this year',
      'The {p} is amazing, great quality and fast shipping',
      "Can't recommend the {p} enough, excellent value",
      'So happy with the {p} 😍 perfect for every day',
      'Five stars for the {p}. Brilliant design, works great',
    ],
    negative: [
      'My {p} broke after two weeks. Really disappointed',
      'Terrible experience with the {p}: arrived damaged and support was awful',
      'The {p} is overpriced and poor quality. Returning it',
      'Worst purchase ever, the {p} stopped working',
    ],
    neutral: [
      'Just ordered the {p}, arriving Tuesday',
      'Has anyone tried the {p}? Thinking about it',
      'The {p} is back in stock',
      'Comparing the {p} with other options this weekend',
    ],
  },
  es: {
    positive: ['¡Me encanta mi nuevo {p}! Excelente calidad', 'El {p} es genial, muy recomendable 👍'],
    negative: ['Mi {p} llegó roto. Muy decepcionado', 'El {p} es malo y caro, no lo recomiendo'],
    neutral: ['Acabo de pedir el {p}', '¿Alguien ha probado el {p}?'],
  },
  de: {
    positive: ['Ich liebe meine neue {p}! Super Qualität', 'Die {p} ist großartig, absolut empfehlenswert'],
    negative: [
      'Mein {p} ist nach zwei Wochen kaputt. Sehr enttäuscht',
      'Schlechte Qualität, {p} ist sein Geld nicht wert',
    ],
    neutral: ['Habe gerade {p} bestellt', 'Hat jemand Erfahrung mit {p}?'],
  },
  fr: {
    positive: ["J'adore mon nouveau {p} ! Excellente qualité", 'Le {p} est génial, je recommande'],
    negative: ['Mon {p} est cassé après deux semaines. Très déçu', 'Le {p} est nul et trop cher'],
    neutral: ['Je viens de commander le {p}', "Quelqu'un a testé le {p} ?"],
  },
  it: {
    positive: ['Adoro il mio nuovo {p}! Ottima qualità'],
    negative: ['Il mio {p} si è rotto dopo una settimana. Deluso'],
    neutral: ['Ho appena ordinato {p}'],
  },
  pt: {
    positive: ['Amei meu novo {p}! Ótima qualidade'],
    negative: ['Meu {p} quebrou, péssimo. Muito decepcionado'],
    neutral: ['Acabei de comprar o {p}'],
  },
};
const shopOnly: Templates = {
  positive: ['Great customer service from @shopexample today, thank you!'],
  negative: ['Shipping from @shopexample took forever. Not ordering again'],
  neutral: ['Anyone know when the @shopexample winter sale starts?'],
};

const langPicker = new Weighted([
  ['en', 55],
  ['es', 12],
  ['de', 12],
  ['fr', 10],
  ['it', 5],
  ['pt', 6],
] as const);
const sentimentPicker = new Weighted<Sentiment>([
  ['positive', 45],
  ['neutral', 35],
  ['negative', 20],
]);
const extraTags: Record<Sentiment, readonly string[]> = {
  positive: ['love', 'musthave', 'happy', 'recommended'],
  negative: ['fail', 'disappointed', 'neveragain', 'refund'],
  neutral: ['shopping', 'newin', 'question', 'deals'],
};
const handleWords = [
  'gadget',
  'trail',
  'cozy',
  'urban',
  'daily',
  'style',
  'tech',
  'green',
  'wander',
  'home',
  'fit',
  'pixel',
  'luna',
  'nord',
];
const handleTails = ['guru', 'fan', 'life', 'notes', 'lover', 'addict', 'diaries', 'hub', 'crew', 'vibes'];
const subreddits = [
  'BuyItForLife',
  'gadgets',
  'running',
  'femalefashionadvice',
  'onebag',
  'SkincareAddiction',
  'Cooking',
];

interface Author {
  id: string;
  handle: string;
  followers: number;
  verified: boolean;
}

function authors(seed: number, platform: Platform, n: number): Author[] {
  const r = Rng.derive(seed, `social-users:${platform}`);
  const out: Author[] = [];
  for (let i = 0; i < n; i++) {
    const followers = Math.floor(Math.pow(10, r.range(0.5, 6.2)));
    const handle = `${r.pick(handleWords)}${r.pick(['_', '.', ''])}${r.pick(handleTails)}${r.chance(0.6) ? r.int(1, 999) : ''}`;
    out.push({
      id: String(100_000_000 + i * 7_919 + r.int(0, 7_000)),
      handle,
      followers,
      verified: followers > 100_000 && r.chance(0.5),
    });
  }
  return out;
}

const camel = (p: Product): string => p.name.replace(/[^A-Za-z0-9]+/g, '');

function postId(platform: Platform, t: number, seq: number, r: Rng): string {
  switch (platform) {
    case 'twitter':
    case 'tiktok':
      return ((BigInt(t - 1_288_834_974_657) << 22n) | BigInt(seq & 0x3fffff)).toString();
    case 'instagram':
      return `3${String(t).slice(-10)}${String(seq).padStart(7, '0')}`;
    case 'facebook':
      return `104${r.int(100000, 999999)}_${String(t).slice(-9)}${String(seq).padStart(6, '0')}`;
    case 'reddit':
      return `t3_${(0x1a0000000 + seq * 131 + (t % 97)).toString(36)}`;
  }
}

function postUrl(p: SocialPost): string {
  switch (p.platform) {
    case 'twitter':
      return `https://x.com/${p.user.handle}/status/${p.post_id}`;
    case 'tiktok':
      return `https://www.tiktok.com/@${p.user.handle}/video/${p.post_id}`;
    case 'instagram':
      return `https://www.instagram.com/p/${Buffer.from(p.post_id).toString('base64url').slice(0, 11)}/`;
    case 'facebook':
      return `https://www.facebook.com/${p.post_id.replace('_', '/posts/')}`;
    case 'reddit':
      return `https://www.reddit.com/r/${subreddits[p.post_id.length % subreddits.length]}/comments/${p.post_id.slice(3)}/`;
  }
}

export interface PostsOptions {
  seed: number;
  startMs: number;
  days: number;
  scale: number;
  badRate: number;
}

/** Days of one export file. */
export const daysPerSocialFile = 7;

/** The social export files of a window, with their summary. */
export function socialPostFiles(
  o: PostsOptions,
  summary: DatasetSummary = emptySummary('social_posts'),
): { name: string; content: Buffer; records: number }[] {
  const platforms: Platform[] = ['twitter', 'instagram', 'facebook', 'tiktok', 'reddit'];
  const pools = new Map(
    platforms.map((p) => [p, authors(o.seed, p, Math.max(20, Math.round(500 * o.scale)))] as const),
  );
  const files: { name: string; content: Buffer; records: number }[] = [];
  let seq = 0;
  for (let d0 = 0; d0 < o.days; d0 += daysPerSocialFile) {
    const byPlatform = new Map<Platform, SocialPost[]>(platforms.map((p) => [p, []]));
    const d1 = Math.min(o.days, d0 + daysPerSocialFile);
    for (let d = d0; d < d1; d++) {
      const dayMs = o.startMs + d * DAY_MS;
      const r = Rng.derive(o.seed, `posts:${isoDay(dayMs)}`);
      const n = r.count(postsPerScaleDay * o.scale * r.range(0.8, 1.25));
      for (let i = 0; i < n; i++) {
        const platform = platformPicker.draw(r);
        const post = makePost(r, platform, pools.get(platform) as Author[], dayMs, ++seq);
        (byPlatform.get(platform) as SocialPost[]).push(post);
      }
    }
    const from = isoDay(o.startMs + d0 * DAY_MS);
    const to = isoDay(o.startMs + (d1 - 1) * DAY_MS);
    for (const platform of platforms) {
      const posts = (byPlatform.get(platform) as SocialPost[]).sort((a, b) =>
        a.created_at < b.created_at ? -1 : 1,
      );
      if (posts.length === 0) continue;
      const asArray = arrayPlatforms.has(platform);
      const bad = Rng.derive(o.seed, `posts-bad:${platform}:${from}`);
      const records: string[] = [];
      for (const p of posts) {
        summary.records++;
        if (!bad.chance(o.badRate)) {
          summary.valid++;
          records.push(JSON.stringify(p));
          continue;
        }
        const kinds: PostDefect[] = [
          'missing_post_id',
          'missing_text',
          'missing_user_id',
          'missing_created_at',
        ];
        if (!asArray) kinds.push('truncated_json', 'truncated_json');
        const kind = bad.pick(kinds);
        summary.malformed[kind] = (summary.malformed[kind] ?? 0) + 1;
        records.push(corrupt(p, kind, bad));
      }
      const content = asArray
        ? `[\n${records.map((s) => `  ${s}`).join(',\n')}\n]\n`
        : `${records.join('\n')}\n`;
      files.push({
        name: `${platform}_${from}_${to}.${asArray ? 'json' : 'jsonl'}`,
        content: Buffer.from(content, 'utf8'),
        records: records.length,
      });
      summary.files++;
    }
  }
  return files;
}

function corrupt(p: SocialPost, kind: PostDefect, r: Rng): string {
  const copy = JSON.parse(JSON.stringify(p)) as Record<string, unknown> & { user: Record<string, unknown> };
  switch (kind) {
    case 'truncated_json': {
      const s = JSON.stringify(p);
      return s.slice(0, r.int(5, s.length - 2));
    }
    case 'missing_post_id':
      delete copy.post_id;
      break;
    case 'missing_text':
      delete copy.text;
      break;
    case 'missing_user_id':
      delete copy.user.id;
      break;
    case 'missing_created_at':
      delete copy.created_at;
      break;
  }
  return JSON.stringify(copy);
}

function makePost(
  r: Rng,
  platform: Platform,
  pool: readonly Author[],
  dayMs: number,
  seq: number,
): SocialPost {
  const author = pool[Math.floor(pool.length * Math.pow(r.next(), 1.5))] as Author;
  const lang = langPicker.draw(r);
  const sentiment = sentimentPicker.draw(r);
  const t = instantInDay(r, dayMs, 0);
  const mentioned: Product[] = [];
  let text: string;
  if (r.chance(0.1)) text = r.pick(shopOnly[sentiment]);
  else {
    const p = r.pick(products);
    mentioned.push(p);
    text = r.pick((templates[lang] as Templates)[sentiment]).replace('{p}', p.name);
    if (lang === 'en' && r.chance(0.12)) {
      const q = r.pick(products.filter((x) => x.id !== p.id));
      mentioned.push(q);
      text +=
        sentiment === 'negative'
          ? `. Should have bought the ${q.name} instead`
          : `. Pairs well with the ${q.name}`;
    }
  }
  const hashtags = new Set<string>();
  for (const m of mentioned) {
    if (r.chance(0.7)) hashtags.add(camel(m));
    if (r.chance(0.3)) hashtags.add(m.category);
  }
  if (r.chance(0.5)) hashtags.add(r.pick(extraTags[sentiment]));
  if (r.chance(0.3)) hashtags.add(r.pick(['unboxing', 'review', 'ShopExample']));
  const mentions = new Set<string>();
  if (r.chance(0.45)) mentions.add(shopHandle);
  if (text.includes('@shopexample')) mentions.add(shopHandle);
  if (r.chance(0.15)) mentions.add((pool[r.int(0, pool.length - 1)] as Author).handle);
  const tagText = [...hashtags].map((h) => `#${h}`).join(' ');
  const mentionText = [...mentions]
    .filter((m) => !text.includes(`@${m}`))
    .map((m) => `@${m}`)
    .join(' ');
  const fullText = [text, mentionText, tagText].filter((s) => s.length > 0).join(' ');
  const reach = author.followers * r.range(0.002, 0.05) * (sentiment === 'negative' ? 1.4 : 1);
  const likes = Math.floor(reach);
  const createdAt =
    platform === 'twitter' || platform === 'tiktok'
      ? new Date(t).toISOString()
      : isoWithOffset(t, r.pick([0, 60, -300, 120, -180]), { z: true });
  const post: SocialPost = {
    post_id: postId(platform, t, seq, r),
    platform,
    created_at: createdAt,
    text: fullText,
    ...(r.chance(0.93) ? { lang } : {}),
    user: { ...author },
    hashtags: [...hashtags].map((h) => h.toLowerCase()),
    mentions: [...mentions],
    metrics: {
      likes,
      shares: Math.floor(likes * r.range(0.01, 0.2)),
      comments: Math.floor(likes * r.range(0.02, 0.15)),
    },
    url: '',
  };
  post.url = postUrl(post);
  return post;
}
