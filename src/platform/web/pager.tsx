/**
 * Newest-first lists paged by a keyset cursor (platform/keyset-cursor.ts): a link back to the newest page and one
 * to older entries, and the page shown when a cursor in a link is damaged or stale. `path` is the list's own page.
 */
export interface PagedList {
  path: string;
  /** What the list holds, in the plural: "activity", "messages". */
  noun: string;
}

export function KeysetPager(props: PagedList & { next: string | null; firstPage: boolean; label: string }) {
  if (!props.next && props.firstPage) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      {props.firstPage ? null : (
        <a href={props.path}>
          <span aria-hidden="true">« </span>Newest
        </a>
      )}
      {props.next ? (
        <a href={`${props.path}?before=${encodeURIComponent(props.next)}`} class="pager-older">
          Older {props.noun}
          <span aria-hidden="true"> →</span>
        </a>
      ) : null}
    </nav>
  );
}

export function BrokenPageLink(props: PagedList) {
  return (
    <section class="card narrow">
      <h1>This page link doesn't work</h1>
      <p>The link to this page of your {props.noun} is incomplete or out of date.</p>
      <p class="actions">
        <a class="button" href={props.path}>
          See your latest {props.noun}
        </a>
      </p>
    </section>
  );
}
