// What the portal's pages share: the footer, the names X's console gives tiers, App types and permissions, form
// errors tied to their fields, number formats, and the pages for a missing thing and an expired form.
import type { RateLimitTier, AppType } from '../../../domain/model.ts';
import { html, page, type Html } from '../../pages/layout.ts';

export const FOOTER = 'Developer portal of a self-hosted stand-in for the X API.';
export const TYPE_NAMES = { web: 'Web App', bot: 'Automated App or bot', native: 'Native App', spa: 'Single page App' } as const;
export const PERMISSION_NAMES = { read: 'Read', 'read-write': 'Read and write', 'read-write-directmessages': 'Read, write and Direct Messages' } as const;
export const TIER_NAMES: Record<RateLimitTier, string> = { classic: 'Classic', free: 'Free', basic: 'Basic', pro: 'Pro', 'pay-per-use': 'Pay-per-use' };
export const TYPE_ORDER: readonly AppType[] = ['web', 'bot', 'native', 'spa'];

export const tierOf = (policy: { rateLimitTier?: RateLimitTier }): string => TIER_NAMES[policy.rateLimitTier ?? 'classic'];

/** A form field's error (linked to the field by aria-describedby). */
export function fieldError(id: string, problems: Record<string, string>, key: string): Html | string {
  return problems[key] ? html`<p class="error" id="${id}-error">${problems[key]}</p>` : '';
}
/** A field's aria-describedby: its hint (`hintId`, when it has one) and its error, if any, with aria-invalid. */
export const describedBy = (id: string, problems: Record<string, string>, key: string, hintId?: string): Html | string => {
  const ids = [hintId, problems[key] ? `${id}-error` : undefined].filter((x) => x !== undefined).join(' ');
  return html`${problems[key] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
};

export function portalNotFoundPage(): string {
  return page('Not found', html`
<h1>Not found</h1>
<p>There is no such Project or App among yours. <a href="/portal">Go back to your Projects</a>.</p>`, { footer: FOOTER });
}

export function portalForbiddenPage(): string {
  return page('Form expired', html`
<h1>This form has expired</h1>
<p>The page was open too long or came from somewhere else. <a href="/portal">Go back to the developer portal</a> and try again.</p>`, { footer: FOOTER });
}

export const count = (n: number): string => n.toLocaleString('en-US');
export const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
