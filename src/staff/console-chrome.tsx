import type { Chrome, Viewer } from '../platform/web/layout.js';
import type { StaffMember } from './staff-guard.js';

/**
 * The support console's pages (/support/*): the store's name with "Support", the staff member a staff guard
 * resolved and their sign-out — never the customer who may also be signed in in this browser, and no customer
 * links (an agent is not a customer here).
 */
export function consoleChrome(storeName: string): Chrome {
  return {
    titleSuffix: `${storeName} Support`,
    bodyClass: 'console',
    footer: 'Support console. Everything you open and do here is recorded with your name.',
    header: (viewer) => <ConsoleHeader storeName={storeName} viewer={viewer} />,
  };
}

function ConsoleHeader({ storeName, viewer }: { storeName: string; viewer: Viewer | undefined }) {
  const staffName = staffNameOf(viewer);
  return (
    <header class="site-header console-header">
      <a class="brand" href="/support">
        <span class="brand-mark" aria-hidden="true">◆</span> {storeName} <span class="brand-console">Support</span>
      </a>
      {staffName !== undefined && (
        <nav aria-label="Staff">
          <span class="nav-greeting">Signed in as {staffName}</span>
          <form method="post" action="/support/signout" class="inline-form">
            <input type="hidden" name="_csrf" value={viewer!.csrf} />
            <button type="submit" class="link-button">Sign out</button>
          </form>
        </nav>
      )}
    </header>
  );
}

/** The staff guard's `staff`; pages open to anyone (sign-in, setup, a recovery's links) have none. */
function staffNameOf(viewer: Viewer | undefined): string | undefined {
  const given = viewer?.given as { staff?: StaffMember } | undefined;
  return given?.staff?.name;
}
