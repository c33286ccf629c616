// The policy options shared by `project` and `app`: each sets an override of X's behaviour on the Project or
// the App (the App's override wins), or removes it with the value `default`.
import { LIKING_USERS_CAP } from '../../domain/likes.ts';
import { RATE_LIMIT_TIERS } from '../../domain/rateLimits.ts';
import type { Policy, PolicyOverrides, RateLimitTier } from '../../domain/model.ts';
import { keyValues, type FlagKind, type Flags } from './cli.ts';

interface PolicyFlag {
  key: keyof Policy;
  values: readonly string[];
  toValue(raw: string): Policy[keyof Policy];
  describe: string;
}

const TIERS = Object.keys(RATE_LIMIT_TIERS) as RateLimitTier[];
const same = (raw: string) => raw as Policy[keyof Policy];

const POLICY_FLAGS: Record<string, PolicyFlag> = {
  tier: { key: 'rateLimitTier', values: TIERS, toValue: same, describe: `Rate-limit table (${TIERS.join('|')})` },
  'app-only': {
    key: 'appOnlyOnLookups', values: ['accept', 'refuse'], toValue: same,
    describe: 'Whether liked_tweets/liking_users accept app-only Bearer tokens (accept|refuse)',
  },
  privacy: {
    key: 'likesPrivacy', values: ['public', 'private'], toValue: same,
    describe: 'Likes visibility (public|private: liked_tweets only for its owner, likers only for the Tweet\'s author, as on X since June 2024)',
  },
  'liker-cap': {
    key: 'likingUsersCap', values: ['on', 'off'], toValue: (raw) => raw === 'on',
    describe: `liking_users lists only the ${LIKING_USERS_CAP} most recent likers (on|off)`,
  },
  access: {
    key: 'accessLevel', values: ['likes', 'no-likes'], toValue: same,
    describe: 'Access level (likes|no-likes: refused with code 453, as on the Free tier)',
  },
  'metric-names': {
    key: 'metricNames', values: ['both', 'v2159', 'v2167'], toValue: same,
    describe: 'Renamed public metrics: retweet_count/tweet_count (v2159), repost_count/post_count (v2167) or both',
  },
  'webhook-urls': {
    key: 'webhookUrls', values: ['local', 'x'], toValue: same,
    describe: 'Webhook URLs (local: also http and any port on loopback; x: https, no port, public hosts only)',
  },
  'replay-window': {
    key: 'replayWindow', values: ['sandbox', 'x'], toValue: same,
    describe: 'Webhook replay windows (sandbox: may end at the current minute; x: must end 10-31 minutes ago)',
  },
};

export const POLICY_FLAG_NAMES = Object.keys(POLICY_FLAGS);
export const POLICY_FLAG_KINDS: Record<string, FlagKind> = Object.fromEntries(POLICY_FLAG_NAMES.map((n) => [n, 'string' as const]));

export const POLICY_HELP = POLICY_FLAG_NAMES
  .map((n) => `  --${`${n} V`.padEnd(17)}${POLICY_FLAGS[n].describe}`)
  .join('\n');

/** The policy options given: a value sets an override, null (`default`) removes it. Throws UsageError. */
export function readPolicyFlags(flags: Flags, allowDefault: boolean): Map<keyof Policy, Policy[keyof Policy] | null> {
  const changes = new Map<keyof Policy, Policy[keyof Policy] | null>();
  for (const [name, def] of Object.entries(POLICY_FLAGS)) {
    const raw = flags.choice(name, allowDefault ? [...def.values, 'default'] : def.values);
    if (raw === undefined) continue;
    changes.set(def.key, raw === 'default' ? null : def.toValue(raw));
  }
  return changes;
}

export function applyPolicyChanges(current: PolicyOverrides, changes: ReadonlyMap<keyof Policy, Policy[keyof Policy] | null>): PolicyOverrides {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of changes) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as PolicyOverrides;
}

/** Human lines: every policy, its value in force, and where it comes from. */
export function describePolicy(effective: Policy, layers: readonly [string, PolicyOverrides][]): string {
  return keyValues(
    (Object.keys(effective) as (keyof Policy)[]).map((key) => {
      const from = [...layers].reverse().find(([, overrides]) => overrides[key] !== undefined)?.[0] ?? 'default';
      return [`  ${key}`, `${String(effective[key])} (${from})`] as const;
    }),
  );
}
