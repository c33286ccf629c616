// OAuth 2.0 scopes X documents (components.securitySchemes.OAuth2UserToken of X's OpenAPI, v2.167), with its
// descriptions (offline.access: the wording of X's scope table, which is what a user is shown). Only the Likes-related ones carry meaning here; the others are accepted
// and echoed, as X would, so a client asking for its usual set is not refused.
import { OAUTH2_SCOPES, type OAuth2Scope } from '../../domain/model.ts';

export const X_SCOPES: Readonly<Record<string, string>> = {
  'block.read': 'View accounts you have blocked.',
  'bookmark.read': 'Read your bookmarked Posts.',
  'bookmark.write': 'Create and delete your bookmarks.',
  'broadcast.read': 'View your live broadcasts and their chat.',
  'broadcast.write': 'Manage your live broadcasts and send chat messages on your behalf.',
  'dm.read': 'Read all your Direct Messages.',
  'dm.write': 'Send and manage your Direct Messages.',
  'follows.read': 'View accounts you follow and accounts following you.',
  'follows.write': 'Follow and unfollow accounts on your behalf.',
  'like.read': 'View Posts you have liked and likes you can see.',
  'like.write': 'Like and unlike Posts on your behalf.',
  'list.read': 'View Lists, members, and followers of Lists you created or are a member of, including private Lists.',
  'list.write': 'Create and manage Lists on your behalf.',
  'media.write': 'Upload media, such as photos and videos, on your behalf.',
  'mute.read': 'View accounts you have muted.',
  'mute.write': 'Mute and unmute accounts on your behalf.',
  'offline.access': 'Stay connected to your account until you revoke access.',
  'space.read': 'View all Spaces you have access to.',
  'timeline.read': 'View all Custom Timelines you can see.',
  'tweet.moderate.write': 'Hide and unhide replies to your posts.',
  'tweet.read': 'View all posts you can see, including those from protected accounts.',
  'tweet.write': 'Create and repost on your behalf.',
  'users.read': 'View any account you can see, including protected accounts.',
};

export type ScopeParse = { ok: true; scopes: string[] } | { ok: false; unknown: string[] };

/** A space-separated scope parameter: each known scope once, in the order asked; unknown ones refuse the lot. */
export function parseScopes(raw: string): ScopeParse {
  const asked = raw.split(/\s+/).filter(Boolean);
  const unknown = asked.filter((s) => !Object.hasOwn(X_SCOPES, s));
  if (unknown.length) return { ok: false, unknown };
  return { ok: true, scopes: [...new Set(asked)] };
}

/** The scopes this service enforces (BearerRecord.scopes), out of those granted. */
export function enforcedScopes(granted: readonly string[]): OAuth2Scope[] {
  return OAUTH2_SCOPES.filter((s) => granted.includes(s));
}
