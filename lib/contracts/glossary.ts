/**
 * The business glossary: the words people use for the lake's columns, in English and French, so that a search for
 * "commande" or "refund" finds the columns that hold them. Declared per term; each term names the
 * `table.column`s it means (a contract test checks that they exist).
 */
export interface GlossaryTerm {
  /** the term in English, as a business user says it */
  readonly term: string;
  /** other English words for it */
  readonly synonyms: readonly string[];
  /** the French words for it */
  readonly fr: readonly string[];
  readonly definition: string;
  /** `table.column`s that hold it */
  readonly columns: readonly string[];
}

export const glossary: readonly GlossaryTerm[] = [
  {
    term: 'order',
    synonyms: ['purchase', 'basket'],
    fr: ['commande', 'achat'],
    definition: 'A purchase a customer placed in the shop; one order has one or more order lines.',
    columns: ['transactions.order_id', 'ad_events.order_id', 'daily_sales.orders'],
  },
  {
    term: 'order line',
    synonyms: ['transaction', 'line item'],
    fr: ['ligne de commande', 'transaction'],
    definition: 'One product in an order, with its quantity and price.',
    columns: ['transactions.transaction_id'],
  },
  {
    term: 'customer',
    synonyms: ['client', 'buyer', 'shopper'],
    fr: ['client', 'acheteur'],
    definition: 'A person who buys in the shop.',
    columns: ['transactions.customer_id', 'transactions.customer_name', 'ad_events.customer_id'],
  },
  {
    term: 'email',
    synonyms: ['e-mail', 'mail address'],
    fr: ['courriel', 'adresse électronique', 'mél'],
    definition: "The customer's e-mail address (personal data).",
    columns: ['transactions.customer_email'],
  },
  {
    term: 'refund',
    synonyms: ['return', 'reimbursement', 'chargeback'],
    fr: ['remboursement', 'retour'],
    definition: 'Money given back to a customer for an order line.',
    columns: ['transactions.status', 'daily_sales.refunds', 'daily_sales.refunded_usd'],
  },
  {
    term: 'revenue',
    synonyms: ['sales', 'turnover', 'income'],
    fr: ['chiffre d’affaires', 'revenu', 'ventes'],
    definition: 'What completed order lines earned, in the reporting currency.',
    columns: [
      'transactions.amount_usd',
      'daily_sales.revenue_usd',
      'campaign_performance.revenue_usd',
      'ad_events.revenue_usd',
    ],
  },
  {
    term: 'price',
    synonyms: ['unit price', 'cost'],
    fr: ['prix', 'tarif'],
    definition: 'What one unit of a product costs the customer.',
    columns: ['transactions.unit_price'],
  },
  {
    term: 'quantity',
    synonyms: ['units', 'amount ordered'],
    fr: ['quantité', 'unités'],
    definition: 'How many units of a product an order line holds.',
    columns: ['transactions.quantity', 'daily_sales.units'],
  },
  {
    term: 'product',
    synonyms: ['item', 'article', 'sku'],
    fr: ['produit', 'article'],
    definition: 'Something the shop sells, identified by its catalog id.',
    columns: ['transactions.product_id', 'transactions.product_name', 'social_posts.product_ids'],
  },
  {
    term: 'category',
    synonyms: ['product category', 'department'],
    fr: ['catégorie', 'rayon'],
    definition: 'The group of products an item belongs to.',
    columns: ['transactions.category', 'daily_sales.category'],
  },
  {
    term: 'country',
    synonyms: ['market', 'region'],
    fr: ['pays', 'marché'],
    definition: 'ISO country of a shipping address or of an ad event.',
    columns: ['transactions.country', 'daily_sales.country', 'ad_events.country'],
  },
  {
    term: 'currency',
    synonyms: ['money'],
    fr: ['devise', 'monnaie'],
    definition: 'ISO 4217 currency of an amount.',
    columns: ['transactions.currency', 'ad_events.currency'],
  },
  {
    term: 'payment',
    synonyms: ['payment method', 'tender'],
    fr: ['paiement', 'moyen de paiement'],
    definition: 'How the customer paid.',
    columns: ['transactions.payment_method'],
  },
  {
    term: 'campaign',
    synonyms: ['advertising campaign', 'ad campaign'],
    fr: ['campagne', 'campagne publicitaire'],
    definition: 'A marketing campaign that shows ads.',
    columns: ['ad_events.campaign_id', 'campaign_performance.campaign_id'],
  },
  {
    term: 'ad spend',
    synonyms: ['spend', 'advertising cost'],
    fr: ['dépenses publicitaires', 'coût'],
    definition: 'What the ad events cost, in the reporting currency.',
    columns: ['ad_events.cost_usd', 'campaign_performance.spend_usd'],
  },
  {
    term: 'conversion',
    synonyms: ['sale from an ad', 'attributed order'],
    fr: ['conversion', 'transformation'],
    definition: 'An ad event that led to an order.',
    columns: ['campaign_performance.conversions', 'ad_events.event_type'],
  },
  {
    term: 'click-through rate',
    synonyms: ['ctr'],
    fr: ['taux de clics'],
    definition: 'Clicks per impression.',
    columns: ['campaign_performance.ctr'],
  },
  {
    term: 'return on ad spend',
    synonyms: ['roas'],
    fr: ['retour sur dépenses publicitaires'],
    definition: 'Attributed revenue per unit of ad spend.',
    columns: ['campaign_performance.roas'],
  },
  {
    term: 'ip address',
    synonyms: ['client ip', 'address'],
    fr: ['adresse ip'],
    definition: 'The network address a request came from (personal data).',
    columns: ['server_logs.client_ip'],
  },
  {
    term: 'web request',
    synonyms: ['hit', 'page view', 'request'],
    fr: ['requête', 'visite'],
    definition: 'One request the web servers answered.',
    columns: ['server_logs.log_id', 'server_logs.path', 'server_logs.status'],
  },
  {
    term: 'sentiment',
    synonyms: ['opinion', 'tone'],
    fr: ['sentiment', 'opinion'],
    definition: 'Whether a social post speaks well or badly (score and label).',
    columns: ['social_posts.sentiment_score', 'social_posts.sentiment_label'],
  },
  {
    term: 'engagement',
    synonyms: ['interactions', 'likes'],
    fr: ['engagement', 'interactions'],
    definition: 'Likes, shares and comments of a social post.',
    columns: ['social_posts.engagement', 'social_posts.likes'],
  },
];

/** The glossary terms of one `table.column`. */
export function glossaryTerms(table: string, column: string): readonly GlossaryTerm[] {
  const ref = `${table}.${column}`;
  return glossary.filter((g) => g.columns.includes(ref));
}
