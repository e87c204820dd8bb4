import { Field } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import type { SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { currentPhrase, PHRASE_MAX, PHRASE_MIN, removePhrase, setPhrase } from './phrase.js';

/**
 * /account/messages/phrase — set, change or remove the personal phrase. Behind a recent password confirmation, for
 * seeing it as for changing it: someone holding a stolen session must not learn the phrase that makes their fake
 * messages look real (ASVS 7.5.1 treats it like the other details that prove a message or a sign-in is genuine).
 */
const PATH = '/account/messages/phrase';

export function registerPhrasePage(routes: PageRoutes): void {
  const guard = recentStepUp.returningTo(PATH);
  routes.get(PATH, guard, async (page) => renderPhraseForm(page, NO_PROBLEM, (await currentPhrase(page.deps, page.session.accountId)) ?? '', true));

  routes.post(PATH, guard, async (page) => {
    const existing = await currentPhrase(page.deps, page.session.accountId);
    try {
      await setPhrase(page.deps, { accountId: page.session.accountId, phrase: page.field('phrase', 200), info: page.info });
      return page.redirect('/account/messages?notice=phrase');
    } catch (error) {
      return renderPhraseForm(page, page.problem(error), page.echo('phrase', 200), existing !== undefined);
    }
  });

  routes.post(`${PATH}/remove`, guard, async (page) => {
    await removePhrase(page.deps, { accountId: page.session.accountId, info: page.info });
    return page.redirect('/account/messages?notice=no-phrase');
  });
}

function renderPhraseForm(page: SignedInPage, problem: FormProblem, phrase: string, hasPhrase: boolean) {
  return page.render(
    { title: 'Your personal phrase' },
    <>
      <BackLink href="/account/messages">Messages from us</BackLink>
      <section class="card narrow">
        <h1>Your personal phrase</h1>
        <p>
          Choose a few words only you would pick. We show them at the top of every email we send to your confirmed email addresses. An
          email that claims to be from us without your phrase, or with a different one, is not from us.
        </p>
        <p>We never show it in text messages, and we never ask you for it.</p>
        <Problem problem={problem} />
        <PostForm action={PATH} csrf={page.csrf}>
          <Field
            name="phrase"
            label="Personal phrase"
            value={phrase}
            error={problem.fields.phrase}
            hint={`${PHRASE_MIN} to ${PHRASE_MAX} characters: letters, numbers, spaces and . , ' ! ? & -. Not your password.`}
            autocomplete="off"
            spellcheck={false}
            maxLength={PHRASE_MAX}
            required
          />
          <div class="form-actions">
            <button type="submit" class="button">Save phrase</button>
            <a href="/account/messages">Cancel</a>
          </div>
        </PostForm>
        {hasPhrase ? (
          <PostForm action={`${PATH}/remove`} csrf={page.csrf}>
            <button type="submit" class="button secondary">Remove the phrase</button>
          </PostForm>
        ) : null}
      </section>
    </>,
    problem.status,
  );
}
