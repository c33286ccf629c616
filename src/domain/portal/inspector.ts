// What the portal's request inspector shows of one App: its requests among the latest that its world's request
// journal keeps (src/ports/requestJournal.ts; the HTTP edge writes every request there, and the control API's
// GET /__admin/sandboxes/:id/requests reads the same entries). The journal is the world's, shared by every App in it,
// bounded, and holds no secret.
import { DEFAULT_JOURNAL_CAPACITY, type RequestJournal } from '../../ports/requestJournal.ts';
import type { AppRecord } from '../model.ts';
import type { InspectedRequest } from '../sandboxes/inspection.ts';

/** The App's requests the page lists at most (each refused OAuth 1.0a one carries up to a few KiB of base strings). */
export const INSPECTOR_ROWS = 100;

export interface AppRequests {
  /** The App's latest requests, newest first, at most INSPECTOR_ROWS. */
  requests: InspectedRequest[];
  /** How many of the App's requests the search found (more than `requests` holds when it was cut). */
  found: number;
  /** How many of the journal's latest entries, of every App, were searched. */
  searched: number;
}

/**
 * Whether a journal entry is one of `app`'s requests: it authenticated as the App, or was refused after its
 * credentials were found (app_id set), or was refused before that while naming the App's current consumer key (an
 * OAuth 1.0a header with a stale timestamp, a missing parameter, another signature method). Refusals that name
 * nothing of the App (an unknown Bearer token, another consumer key) cannot be told apart from another App's.
 */
export function isRequestOf(entry: InspectedRequest, app: Pick<AppRecord, 'id' | 'consumerKey'>): boolean {
  if (entry.app_id !== null) return entry.app_id === app.id;
  return entry.auth.verdict === 'refused' && entry.auth.oauth1?.consumer_key === app.consumerKey;
}

/** The App's requests among every entry the journal keeps, newest first. */
export async function appRequestsOf(
  journal: Pick<RequestJournal, 'latest'>,
  app: Pick<AppRecord, 'id' | 'consumerKey'>,
  rows = INSPECTOR_ROWS,
): Promise<AppRequests> {
  const latest = await journal.latest(DEFAULT_JOURNAL_CAPACITY);
  const mine = latest.filter((entry) => isRequestOf(entry, app));
  return { requests: mine.slice(0, rows), found: mine.length, searched: latest.length };
}
