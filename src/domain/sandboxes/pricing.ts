// X's pay-per-use price table, as data: prices change, so the figures are a policy an operator may replace with
// a PriceTable of their own (docs/reference/x-pricing.md says where each figure comes from).
//
// Source: https://docs.x.com/x-api/getting-started/pricing, "Credit consumption details" (the rendered page; the
// stored copies of xdevplatform/docs x-api/getting-started/pricing.mdx, e.g. commit
// ff9e6d07129209c0d6997ea5a1b3732efd866754, carry the deduplication rule but not the table). Read 2026-12-03.

/** USD figures of the X items the Likes endpoints are billed under. Serialised as is into the control API's JSON. */
export type PriceTable = {
  currency: 'USD';
  /** USD per resource returned; a resource is billed once per App per UTC day (deduplication). */
  per_resource: {
    /** X's "Posts: Read": each Post returned by GET /2/users/:id/liked_tweets. */
    posts_read: number;
    /** X's "User: Read": each user returned by GET /2/tweets/:id/liking_users. */
    user_read: number;
  };
  /** USD per request. */
  per_request: {
    /** X's "User Interaction: Create": POST /2/users/:id/likes. */
    user_interaction_create: number;
    /** X's "Interaction: Delete": DELETE /2/users/:id/likes/:tweet_id. */
    interaction_delete: number;
  };
  /** Post reads a pay-per-use account may make per monthly billing cycle (informational: it is not priced). */
  monthly_post_read_cap: number;
  /** Where the figures come from and when they were read. */
  source: string;
};

export const X_PRICE_TABLE: PriceTable = {
  currency: 'USD',
  per_resource: { posts_read: 0.005, user_read: 0.01 },
  per_request: { user_interaction_create: 0.015, interaction_delete: 0.01 },
  // The rendered page says 3 million; older copies of post-cap.mdx said 2 million, older ones still "no caps".
  monthly_post_read_cap: 3_000_000,
  source: 'https://docs.x.com/x-api/getting-started/pricing (read 2026-12-03)',
};
