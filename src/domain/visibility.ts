// Who may see what: one rule for every object a response shows, whether it is the object asked for (`data`) or an
// expansion of it (`includes`). There is no follow graph, so a protected account's Tweets show to that account
// only. Accounts themselves (user objects) show unless suspended: X shows protected profiles to anyone.
// Media, polls and places have no owner of their own: they show exactly when a Tweet carrying them shows.
import type { TweetRecord, UserRecord } from './model.ts';
import { notAuthorizedForResource, resourceNotFound, userSuspended } from './problems.ts';

type Json = Record<string, unknown>;

/** The author facts the rule needs (a liked_tweets row carries just these). */
export type AuthorFlags = Pick<UserRecord, 'id' | 'protected' | 'suspended'>;

/** visible; missing (unknown or deleted); forbidden (its author may not be seen); suspended (accounts). */
export type Verdict = 'visible' | 'missing' | 'forbidden' | 'suspended';

/** Whether `viewerId` may see Tweets of `author` (protected accounts show only to themselves here). */
export function canSeeAuthor(author: AuthorFlags | null | undefined, viewerId: string | null): boolean {
  return !!author && !author.suspended && (!author.protected || author.id === viewerId);
}

/** A Tweet shows when it exists, is not deleted, and its author may be seen (an unknown author may not). */
export function tweetVerdict(tweet: Pick<TweetRecord, 'deleted'> | null | undefined, author: AuthorFlags | null | undefined, viewerId: string | null): Verdict {
  if (!tweet || tweet.deleted) return 'missing';
  return canSeeAuthor(author, viewerId) ? 'visible' : 'forbidden';
}

/** An account shows when it exists and is not suspended. */
export function userVerdict(user: Pick<UserRecord, 'suspended'> | null | undefined): Verdict {
  if (!user) return 'missing';
  return user.suspended ? 'suspended' : 'visible';
}

/** X's partial error for an expansion that names an object the viewer may not be shown. */
export function includesRefusal(kind: 'tweet' | 'user', verdict: Exclude<Verdict, 'visible'>, parameter: string, value: string): Json {
  if (verdict === 'missing') return resourceNotFound(kind, parameter, value);
  if (verdict === 'suspended') return userSuspended(parameter, value);
  return notAuthorizedForResource(kind, parameter, value, 'includes');
}
