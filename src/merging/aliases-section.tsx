import { PostForm } from '../platform/web/page-parts.js';
import type { ShownAlias } from './aliases.js';

/** Login & Security's list of sign-in aliases a merge brought, each with its Remove button (a recent step-up on the route). */
export function AliasesSection(props: { aliases: ShownAlias[]; csrf: string }) {
  if (props.aliases.length === 0) return null;
  return (
    <section class="card" aria-labelledby="aliases-title">
      <h2 id="aliases-title">Also signs you in</h2>
      <ul class="settings">
        {props.aliases.map((alias) => (
          <li class="setting">
            <div class="setting-body">
              <p class="identifier">{alias.shown}</p>
              <p class="muted">From a merged account</p>
            </div>
            <PostForm action="/account/aliases/remove" csrf={props.csrf} class="inline-form">
              <input type="hidden" name="alias" value={alias.id} />
              <button type="submit" class="button secondary small">
                Remove<span class="visually-hidden"> {alias.shown}</span>
              </button>
            </PostForm>
          </li>
        ))}
      </ul>
      <p class="hint">A removed address stops signing you in, and nobody else can use it for a while.</p>
    </section>
  );
}
