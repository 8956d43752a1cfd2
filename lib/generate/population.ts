/**
 * The shop's customers: ids, names and e-mails in the locales of the countries it sells to, each with the
 * currency and UTC offset of their country. Every other generator draws its people from this population.
 */
import { countries } from '../contracts/reference';
import { Rng, Weighted } from './prng';

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly country: string;
  readonly currency: string;
  /** minutes east of UTC used when this customer's systems write local times */
  readonly offsetMin: number;
  /** preferred language (ISO 639-1) */
  readonly lang: string;
}

interface CountryProfile {
  readonly currency: string;
  readonly offsets: readonly number[];
  readonly lang: string;
  readonly locale: keyof typeof names;
  readonly domains: readonly string[];
  readonly weight: number;
}

/** Names per locale. `display|ascii` where the e-mail spelling is not the display spelling's transliteration. */
const names = {
  en: {
    first: [
      'James',
      'Mary',
      'Robert',
      'Patricia',
      'Michael',
      'Jennifer',
      'David',
      'Linda',
      'Sarah',
      'Chris',
      'Emily',
      'Zoë',
      'Liam',
      'Olivia',
      'Noah',
      'Ava',
    ],
    last: [
      'Smith',
      'Johnson',
      'Williams',
      "O'Brien",
      'Brown',
      'Jones',
      'Miller',
      'Davis',
      'Wilson',
      'Taylor',
      "O'Connor",
      'McDonald',
      'Clarke',
      'Walker',
      'Young',
      'Hall',
    ],
  },
  de: {
    first: [
      'Jürgen',
      'Anna',
      'Lukas',
      'Sophie',
      'Maximilian',
      'Lea',
      'Jörg',
      'Marie',
      'Felix',
      'Hannah',
      'Björn',
    ],
    last: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weiß',
      'Schröder',
      'Becker',
      'Hoffmann',
      'Köhler',
      'Wagner',
    ],
  },
  fr: {
    first: ['François', 'Hélène', 'Louis', 'Chloé', 'Émile', 'Camille', 'Jean-Luc', 'Léa', 'Mathéo', 'Inès'],
    last: ['Martin', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', "D'Artois", 'Bernard', 'Rousseau', 'Fontaine'],
  },
  es: {
    first: ['José', 'María', 'Javier', 'Lucía', 'Álvaro', 'Sofía', 'Martín', 'Carmen', 'Iñigo'],
    last: ['García López', 'Núñez', 'Fernández', 'Rodríguez', 'Martínez', 'Sánchez', 'Pérez Gómez', 'Muñoz'],
  },
  it: {
    first: ['Giovanni', 'Giulia', 'Luca', 'Francesca', 'Matteo', 'Chiara', 'Niccolò'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', "D'Angelo", 'Bianchi', 'Romano', 'Colombo'],
  },
  nl: {
    first: ['Daan', 'Emma', 'Sem', 'Julia', 'Lieke', 'Bram', 'Fleur'],
    last: ['de Vries', 'van der Berg', 'Jansen', 'Bakker', 'Visser', 'van Dijk', 'de Jong'],
  },
  sv: {
    first: ['Åsa', 'Björn', 'Erik', 'Maja', 'Lars', 'Elsa', 'Oskar', 'Märta'],
    last: ['Lindqvist', 'Öberg', 'Johansson', 'Andersson', 'Karlsson', 'Nilsson', 'Ström'],
  },
  ja: {
    first: ['太郎|taro', '花子|hanako', '健|ken', 'さくら|sakura', 'Yuki|yuki', 'Haruto|haruto', '蓮|ren'],
    last: ['山田|yamada', '佐藤|sato', '鈴木|suzuki', 'Tanaka|tanaka', '高橋|takahashi', 'Ito|ito'],
  },
  pt: {
    first: ['João', 'Ana', 'Gabriel', 'Beatriz', 'Conceição', 'Lucas', 'Mariana'],
    last: ['Silva', 'Santos', 'Gonçalves', 'Araújo', 'Oliveira', 'Souza', 'Conceição'],
  },
  hi: {
    first: ['Priya', 'Arjun', 'Ananya', 'Rahul', 'Aditi', 'Vikram', 'Sneha'],
    last: ['Sharma', 'Patel', 'Venkataraman', 'Iyer', 'Gupta', 'Reddy', 'Nair'],
  },
} as const;

const profiles: Readonly<Record<string, CountryProfile>> = {
  US: {
    currency: 'USD',
    offsets: [-300, -360, -420, -480],
    lang: 'en',
    locale: 'en',
    domains: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com'],
    weight: 30,
  },
  GB: {
    currency: 'GBP',
    offsets: [0],
    lang: 'en',
    locale: 'en',
    domains: ['gmail.com', 'btinternet.com', 'outlook.co.uk'],
    weight: 12,
  },
  DE: {
    currency: 'EUR',
    offsets: [60],
    lang: 'de',
    locale: 'de',
    domains: ['web.de', 'gmx.de', 'gmail.com', 't-online.de'],
    weight: 12,
  },
  FR: {
    currency: 'EUR',
    offsets: [60],
    lang: 'fr',
    locale: 'fr',
    domains: ['orange.fr', 'free.fr', 'gmail.com'],
    weight: 8,
  },
  ES: {
    currency: 'EUR',
    offsets: [60],
    lang: 'es',
    locale: 'es',
    domains: ['hotmail.es', 'gmail.com', 'telefonica.net'],
    weight: 6,
  },
  IT: {
    currency: 'EUR',
    offsets: [60],
    lang: 'it',
    locale: 'it',
    domains: ['libero.it', 'gmail.com', 'tiscali.it'],
    weight: 5,
  },
  NL: {
    currency: 'EUR',
    offsets: [60],
    lang: 'nl',
    locale: 'nl',
    domains: ['ziggo.nl', 'gmail.com', 'kpnmail.nl'],
    weight: 4,
  },
  SE: {
    currency: 'SEK',
    offsets: [60],
    lang: 'sv',
    locale: 'sv',
    domains: ['telia.se', 'gmail.com', 'bredband.net'],
    weight: 3,
  },
  JP: {
    currency: 'JPY',
    offsets: [540],
    lang: 'ja',
    locale: 'ja',
    domains: ['yahoo.co.jp', 'gmail.com', 'docomo.ne.jp'],
    weight: 5,
  },
  CA: {
    currency: 'CAD',
    offsets: [-300, -480, -210],
    lang: 'en',
    locale: 'en',
    domains: ['gmail.com', 'rogers.com', 'shaw.ca'],
    weight: 5,
  },
  AU: {
    currency: 'AUD',
    offsets: [660, 600, 480],
    lang: 'en',
    locale: 'en',
    domains: ['bigpond.com', 'gmail.com', 'optusnet.com.au'],
    weight: 4,
  },
  BR: {
    currency: 'BRL',
    offsets: [-180],
    lang: 'pt',
    locale: 'pt',
    domains: ['uol.com.br', 'gmail.com', 'bol.com.br'],
    weight: 3,
  },
  IN: {
    currency: 'INR',
    offsets: [330],
    lang: 'en',
    locale: 'hi',
    domains: ['gmail.com', 'rediffmail.com', 'yahoo.co.in'],
    weight: 3,
  },
};

for (const c of countries) if (!profiles[c]) throw new Error(`population: no profile for country ${c}`);

export function countryProfile(country: string): CountryProfile {
  const p = profiles[country];
  if (!p) throw new Error(`unknown country ${country}`);
  return p;
}

/** The currency the shop charges in a country. */
export function currencyOf(country: string): string {
  return countryProfile(country).currency;
}

export const countryPicker = new Weighted(countries.map((c) => [c, countryProfile(c).weight] as const));

function display(entry: string): string {
  return entry.split('|')[0] as string;
}

function ascii(entry: string): string {
  const [shown, spelled] = entry.split('|');
  return (spelled ?? (shown as string))
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Customers per unit of scale. */
export const customersPerScale = 2500;

export function populationSize(scale: number): number {
  return Math.max(40, Math.round(customersPerScale * scale));
}

/** The customer population of a seed and scale (ids `C-000001`...). */
export function generateCustomers(seed: number, scale: number): Customer[] {
  const rng = Rng.derive(seed, 'customers');
  const n = populationSize(scale);
  const used = new Set<string>();
  const out: Customer[] = [];
  for (let i = 1; i <= n; i++) {
    const country = countryPicker.draw(rng);
    const p = countryProfile(country);
    const pool = names[p.locale];
    const first = rng.pick<string>(pool.first);
    const last = rng.pick<string>(pool.last);
    let name =
      p.locale === 'ja' && display(first) !== ascii(first)
        ? `${display(last)} ${display(first)}`
        : `${display(first)} ${display(last)}`;
    const style = rng.next();
    // a few spellings that real order databases hold: "Last, First", nicknames in quotes, suffixes
    if (style < 0.05) name = `${display(last)}, ${display(first)}`;
    else if (style < 0.09) name = `${display(first)} "${display(first).slice(0, 3)}" ${display(last)}`;
    else if (style < 0.11 && p.locale === 'en') name = `${name}, Jr.`;
    const sep = rng.pick(['.', '_', '', '.']);
    let local = `${ascii(first)}${sep}${ascii(last)}`;
    if (rng.chance(0.35)) local += String(rng.int(1, 99));
    const domain = rng.pick(p.domains);
    let email = `${local}@${domain}`;
    while (used.has(email)) email = `${local}${rng.int(100, 9999)}@${domain}`;
    used.add(email);
    if (rng.chance(0.03)) email = email.replace(/^./, (ch) => ch.toUpperCase());
    out.push({
      id: `C-${String(i).padStart(6, '0')}`,
      name,
      email,
      country,
      currency: p.currency,
      offsetMin: rng.pick(p.offsets),
      lang: p.lang,
    });
  }
  return out;
}
