/**
 * Reference data shared by the generator and the jobs: the reporting currency with its exchange rates,
 * and the shop's product catalog (posts are scanned for these product names).
 */
export const reportingCurrency = 'USD';

/** Units of the reporting currency per unit of each accepted currency (a fixed reference table). */
export const fxRates: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  JPY: 0.0067,
  CAD: 0.73,
  AUD: 0.66,
  SEK: 0.095,
  BRL: 0.18,
  INR: 0.012,
  CHF: 1.13,
  NOK: 0.092,
  DKK: 0.145,
  PLN: 0.25,
  MXN: 0.055,
  NZD: 0.6,
  SGD: 0.74,
  HKD: 0.128,
  CNY: 0.14,
  KRW: 0.00073,
  ZAR: 0.054,
};

export const currencies = Object.keys(fxRates);

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  /** list price in USD */
  readonly price: number;
}

export const products: readonly Product[] = [
  { id: 'P-1001', name: 'Aurora Wireless Earbuds', category: 'electronics', price: 79.99 },
  { id: 'P-1002', name: 'Nimbus Smart Watch', category: 'electronics', price: 199.0 },
  { id: 'P-1003', name: 'Volt Power Bank', category: 'electronics', price: 39.5 },
  { id: 'P-1004', name: 'Pixel Pro Webcam', category: 'electronics', price: 89.0 },
  { id: 'P-2001', name: 'Trail Runner Shoes', category: 'sports', price: 129.0 },
  { id: 'P-2002', name: 'Summit Yoga Mat', category: 'sports', price: 34.9 },
  { id: 'P-2003', name: 'Glacier Water Bottle', category: 'sports', price: 24.0 },
  { id: 'P-3001', name: 'Linen Summer Dress', category: 'fashion', price: 59.0 },
  { id: 'P-3002', name: 'Harbor Denim Jacket', category: 'fashion', price: 94.5 },
  { id: 'P-3003', name: 'Merino Wool Beanie', category: 'fashion', price: 22.0 },
  { id: 'P-4001', name: 'Copper Pour-Over Kettle', category: 'home', price: 64.0 },
  { id: 'P-4002', name: 'Cedar Cutting Board', category: 'home', price: 45.0 },
  { id: 'P-4003', name: 'Lumen Desk Lamp', category: 'home', price: 52.75 },
  { id: 'P-5001', name: 'Atlas Travel Backpack', category: 'travel', price: 149.0 },
  { id: 'P-5002', name: 'Drift Packing Cubes', category: 'travel', price: 29.99 },
  { id: 'P-6001', name: 'Bloom Face Serum', category: 'beauty', price: 42.0 },
  { id: 'P-6002', name: 'Velvet Matte Lipstick', category: 'beauty', price: 19.5 },
];

export const categories = [...new Set(products.map((p) => p.category))];

/** ISO 3166-1 alpha-2 codes the shop sells to. */
export const countries = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'JP', 'CA', 'AU', 'BR', 'IN'];

/**
 * Every officially assigned ISO 3166-1 alpha-2 code: what a country column may hold. Records from a country the
 * shop does not sell to (a marketplace order, an ad shown abroad) are still good records.
 */
// prettier-ignore
export const iso3166Alpha2: readonly string[] = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB',
  'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY',
  'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX',
  'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK',
  'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS',
  'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR',
  'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA',
  'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK',
  'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE',
  'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM',
  'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG',
  'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF',
  'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY',
  'UZ', 'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
];
