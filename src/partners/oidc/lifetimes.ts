import { DAY, HOUR, MINUTE } from '../../platform/clock.js';

/** How long each thing the provider issues lives, in seconds (its unit). Short where a leak would matter most. */
export const TTL_SECONDS = {
  AuthorizationCode: 60,
  AccessToken: (10 * MINUTE) / 1000,
  IdToken: HOUR / 1000,
  RefreshToken: (30 * DAY) / 1000,
  Grant: (365 * DAY) / 1000,
  Interaction: (30 * MINUTE) / 1000,
  Session: (14 * DAY) / 1000,
  PushedAuthorizationRequest: 60,
} as const;

/**
 * A retired signing key stays published this long: the longest-lived thing it signed (ID tokens; access and
 * refresh tokens are opaque), plus a minute for clocks and caches.
 */
export const RETIRED_KEY_PUBLISHED_MS = TTL_SECONDS.IdToken * 1000 + MINUTE;
