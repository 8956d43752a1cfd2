/**
 * Bench section: the social_posts job on about N generated posts (default 1,000,000) against the native Spark
 * anchor. The posts are written as one JSON Lines file (the exports that come as one JSON array are rewritten one
 * element a line: an array file is read by the Python reader, one task per file).
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { postsPerScaleDay, socialPostFiles } from '../generate/social-posts';
import { DAY_MS, windowStart } from '../generate/time';
import type { BenchContext, BenchSection } from './bench';
import { generateAndLand, jobAgainstAnchor } from './spark-etl';

const days = 28;
const daysPerChunk = 7;

function asLines(content: Buffer): string {
  const text = content.toString('utf8');
  if (!text.trimStart().startsWith('[')) return text.endsWith('\n') ? text : `${text}\n`;
  return (JSON.parse(text) as unknown[]).map((p) => `${JSON.stringify(p)}\n`).join('');
}

async function writePosts(path: string, posts: number): Promise<number> {
  const startMs = windowStart(days);
  const scale = posts / (days * postsPerScaleDay);
  function* chunks(): Generator<string> {
    for (let d = 0; d < days; d += daysPerChunk) {
      const files = socialPostFiles({
        seed: 7,
        startMs: startMs + d * DAY_MS,
        days: daysPerChunk,
        scale,
        badRate: 0.01,
      });
      for (const f of files) yield asLines(f.content);
    }
  }
  await pipeline(chunks, createWriteStream(path));
  return (await stat(path)).size;
}

async function run(b: BenchContext): Promise<void> {
  const posts = Number(b.options.rows ?? 1_000_000);
  b.ensureToolchain();
  const file = join(b.scratch, 'posts_bench.json');
  const what = `about ${posts.toLocaleString('en-US')} posts (JSON Lines)`;
  const landed = await generateAndLand(b, 'social_posts', file, what, () => writePosts(file, posts));
  await jobAgainstAnchor(b, 'social_posts', landed);
}

export const socialPostsSection: BenchSection = {
  name: 'social_posts',
  title: 'Social posts job vs native Spark anchor',
  run,
};
