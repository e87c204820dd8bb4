/*
 * Passkeys in the browser: add one (Passkeys page), sign in with one alone (sign-in page), or use one as the
 * second step. The buttons, errors and requests are passkey-buttons.js's; this file holds the ceremonies, over the
 * customer JSON API, and on success goes to the `next` page the API names.
 */
(function () {
  'use strict';

  var buttons = window.CustosPasskeyButtons;
  if (!buttons) return;
  var lib = buttons.lib;
  var post = buttons.post;
  var STEP_UP_PAGE = '/account/confirm-password?return=/account/passkeys';

  buttons.bind('data-passkey-action', run, {
    onSubmit: function (block) {
      return block.getAttribute('data-passkey-action') === 'register';
    },
    // Adding a passkey needs a recent password confirmation: send the customer there, and back.
    refused: function (error) {
      if (error.code !== 'auth.step_up_required') return false;
      window.location.assign(STEP_UP_PAGE);
      return true;
    },
  });

  function run(block) {
    var action = block.getAttribute('data-passkey-action');
    if (action === 'register') return register();
    if (action === 'signin') {
      // Where the sign-in page was asked to return; the server checks it and keeps it in the flow.
      var returnTo = block.getAttribute('data-return-to');
      return ceremony('/api/v1/signin/passkey/options', '/api/v1/signin/passkey', true, returnTo ? { return_to: returnTo } : {});
    }
    if (action === 'merge') {
      // The other account's passkey, as its second step in a merge (src/merging/merge-passkey.ts).
      var merge = '/api/v1/account/merges/' + encodeURIComponent(block.getAttribute('data-flow') || '') + '/passkey';
      return ceremony(merge + '/options', merge, false);
    }
    var base = '/api/v1/signin/flows/' + encodeURIComponent(block.getAttribute('data-flow') || '') + '/passkey';
    return ceremony(base + '/options', base, false);
  }

  function register() {
    var input = document.getElementById('passkey-name');
    var name = input ? input.value : '';
    return post('/api/v1/passkeys/registration/options', { name: name })
      .then(function (started) {
        return lib.startRegistration({ optionsJSON: started.options }).then(function (response) {
          return post('/api/v1/passkeys/registration', { flow_id: started.flow_id, name: name, response: response });
        });
      })
      .then(function (done) {
        return done.next;
      });
  }

  /** Sign-in with a passkey: ask for a challenge, let the authenticator sign it, send the result back. */
  function ceremony(optionsUrl, finishUrl, sendFlowId, start) {
    return post(optionsUrl, start || {})
      .then(function (started) {
        return lib.startAuthentication({ optionsJSON: started.options }).then(function (response) {
          var body = sendFlowId ? { flow_id: started.flow_id, response: response } : { response: response };
          return post(finishUrl, body);
        });
      })
      .then(function (done) {
        return done.next;
      });
  }
})();
