/**
 * The charts: pure functions from API rows to ECharts options (so that what a chart holds can be checked against
 * the API), and the tree-shaken ECharts build that draws them (only bar and line charts and the components used).
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { dayOf, num, type Row } from './api';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Chart = ReturnType<typeof echarts.init>;
export type ChartOption = Parameters<Chart['setOption']>[0];

export function initChart(el: HTMLElement): Chart {
  return echarts.init(el, undefined, { renderer: 'canvas' });
}

// 14 distinguishable colours: every category and each of the shop's countries has its own
const palette = [
  '#2563eb',
  '#16a34a',
  '#f59e0b',
  '#db2777',
  '#7c3aed',
  '#0891b2',
  '#ea580c',
  '#65a30d',
  '#9333ea',
  '#0d9488',
  '#ca8a04',
  '#4f46e5',
  '#be185d',
  '#475569',
];

const round2 = (n: number): number => Math.round(n * 100) / 100;

function base(days: readonly string[], yAxis: unknown[], legend = true): Record<string, unknown> {
  return {
    color: palette,
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: legend ? { type: 'scroll', top: 0 } : { show: false },
    grid: { left: 8, right: 8, top: legend ? 56 : 30, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: [...days] },
    yAxis,
  };
}

const usdAxis = { type: 'value', name: 'USD', axisLabel: { formatter: (v: number) => compact(v) } };

export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${round2(v / 1e6)}M`;
  if (a >= 1e3) return `${round2(v / 1e3)}k`;
  return String(round2(v));
}

/** Sum of `value` per (group, day), groups ordered by their total, largest first. */
export function pivot(
  rows: readonly Row[],
  dayKey: string,
  groupKey: string,
  value: (r: Row) => number,
  days: readonly string[],
): { groups: string[]; values: Map<string, number[]> } {
  const index = new Map(days.map((d, i) => [d, i]));
  const values = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(dayOf(r[dayKey]));
    if (i === undefined) continue;
    const g = String(r[groupKey] ?? 'unknown');
    const v = values.get(g) ?? days.map(() => 0);
    v[i] = (v[i] ?? 0) + value(r);
    values.set(g, v);
  }
  const total = (g: string): number => (values.get(g) ?? []).reduce((a, b) => a + b, 0);
  const groups = [...values.keys()].sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  for (const g of groups) values.set(g, (values.get(g) ?? []).map(round2));
  return { groups, values };
}

/** Per day, the sum of `value` over every row. */
export function perDay(
  rows: readonly Row[],
  dayKey: string,
  value: (r: Row) => number,
  days: readonly string[],
) {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = days.map(() => 0);
  for (const r of rows) {
    const i = index.get(dayOf(r[dayKey]));
    if (i !== undefined) out[i] = (out[i] ?? 0) + value(r);
  }
  return out;
}

/** Daily revenue by category or by country (stacked bars), with the amount refunded per day (line). */
export function revenueOption(rows: readonly Row[], days: readonly string[], by: 'category' | 'country') {
  const { groups, values } = pivot(rows, 'order_date', by, (r) => num(r.revenue_usd), days);
  const refunded = perDay(rows, 'order_date', (r) => num(r.refunded_usd), days).map(round2);
  return {
    ...base(days, [usdAxis]),
    series: [
      ...groups.map((g) => ({ name: g, type: 'bar', stack: 'revenue', data: values.get(g) })),
      {
        name: 'refunded',
        type: 'line',
        data: refunded,
        symbolSize: 6,
        itemStyle: { color: '#b91c1c' },
        lineStyle: { type: 'dashed', color: '#b91c1c' },
      },
    ],
  };
}

export interface CampaignDay {
  readonly spend: number;
  readonly revenue: number;
  readonly conversions: number;
}

/** Campaign totals per day: spend, attributed revenue, conversions; ROAS and CPA follow from them. */
export function campaignDays(rows: readonly Row[], days: readonly string[]): CampaignDay[] {
  const spend = perDay(rows, 'event_date', (r) => num(r.spend_usd), days);
  const revenue = perDay(rows, 'event_date', (r) => num(r.revenue_usd), days);
  const conversions = perDay(rows, 'event_date', (r) => num(r.conversions), days);
  return days.map((_d, i) => ({
    spend: spend[i] ?? 0,
    revenue: revenue[i] ?? 0,
    conversions: conversions[i] ?? 0,
  }));
}

/** Spend per day (bars) with ROAS (revenue / spend) and CPA (spend / conversion) over all campaigns. */
export function campaignOption(rows: readonly Row[], days: readonly string[]) {
  const c = campaignDays(rows, days);
  return {
    ...base(days, [usdAxis, { type: 'value', name: 'ROAS', splitLine: { show: false } }]),
    series: [
      { name: 'spend', type: 'bar', data: c.map((d) => round2(d.spend)) },
      {
        name: 'CPA (USD)',
        type: 'line',
        data: c.map((d) => (d.conversions > 0 ? round2(d.spend / d.conversions) : null)),
      },
      {
        name: 'ROAS',
        type: 'line',
        yAxisIndex: 1,
        data: c.map((d) => (d.spend > 0 ? round2(d.revenue / d.spend) : null)),
      },
    ],
  };
}

/** Requests per day by status class (stacked bars) and the share of bot requests (line, %). */
export function trafficOption(rows: readonly Row[], days: readonly string[]) {
  const byDay = new Map(rows.map((r) => [dayOf(r.day), r]));
  const at = (f: (r: Row) => number): (number | null)[] =>
    days.map((d) => {
      const r = byDay.get(d);
      return r ? f(r) : 0;
    });
  const requests = (r: Row): number => num(r.requests);
  const errors = (r: Row): number => num(r.errors);
  const server = (r: Row): number => num(r.server_errors);
  return {
    ...base(days, [
      { type: 'value', name: 'requests', axisLabel: { formatter: (v: number) => compact(v) } },
      { type: 'value', name: 'bots %', max: 100, splitLine: { show: false } },
    ]),
    color: ['#16a34a', '#f59e0b', '#dc2626', '#7c3aed'],
    series: [
      { name: '2xx-3xx', type: 'bar', stack: 'status', data: at((r) => requests(r) - errors(r)) },
      { name: '4xx', type: 'bar', stack: 'status', data: at((r) => errors(r) - server(r)) },
      { name: '5xx', type: 'bar', stack: 'status', data: at(server) },
      {
        name: 'bot share %',
        type: 'line',
        yAxisIndex: 1,
        data: days.map((d) => {
          const r = byDay.get(d);
          return r ? round2(num(r.bot_share) * 100) : null;
        }),
      },
    ],
  };
}

export interface ProductMentions {
  readonly product: string;
  readonly posts: number;
  readonly sentiment: number;
}

/** Posts and mean sentiment per product over the range (sentiment weighted by each day's posts). */
export function productMentions(rows: readonly Row[]): ProductMentions[] {
  const acc = new Map<string, { posts: number; weighted: number }>();
  for (const r of rows) {
    const p = String(r.product_id);
    const a = acc.get(p) ?? { posts: 0, weighted: 0 };
    a.posts += num(r.posts);
    a.weighted += num(r.posts) * num(r.avg_sentiment);
    acc.set(p, a);
  }
  return [...acc.entries()]
    .map(([product, a]) => ({
      product,
      posts: a.posts,
      sentiment: a.posts > 0 ? Math.round((a.weighted / a.posts) * 1000) / 1000 : 0,
    }))
    .sort((a, b) => b.posts - a.posts || a.product.localeCompare(b.product));
}

export function mentionsOption(rows: readonly Row[]) {
  const m = productMentions(rows);
  const products = m.map((x) => x.product);
  return {
    ...base(products, [
      { type: 'value', name: 'posts' },
      { type: 'value', name: 'sentiment', min: -1, max: 1, splitLine: { show: false } },
    ]),
    xAxis: { type: 'category', data: products, axisLabel: { rotate: products.length > 8 ? 40 : 0 } },
    series: [
      { name: 'mentions', type: 'bar', data: m.map((x) => x.posts) },
      { name: 'avg sentiment', type: 'line', yAxisIndex: 1, data: m.map((x) => x.sentiment) },
    ],
  };
}
