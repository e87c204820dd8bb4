/*
 * Passkeys in the browser: add one (Passkeys page), sign in with one alone (sign-in page), or use one as the
 * second step. Progressive enhancement: the server renders each passkey button hidden and disabled beside a line
 * saying passkeys need JavaScript; this script shows the button only when the browser can use passkeys. It talks
 * to the JSON API (a JSON body, so no CSRF token is needed; same-origin cookies) and leaves the ceremony to
 * @simplewebauthn/browser (the global SimpleWebAuthnBrowser). On success it goes to the `next` page the API names.
 * Text goes in with textContent only, and nothing here is inline, for the CSP.
 */
(function () {
  'use strict';

  var lib = window.SimpleWebAuthnBrowser;
  var STEP_UP_PAGE = '/account/confirm-password?return=/account/passkeys';
  var GENERIC = 'Something went wrong. Please try again.';

  var blocks = document.querySelectorAll('[data-passkey-action]');
  for (var i = 0; i < blocks.length; i++) setUp(blocks[i]);

  function setUp(block) {
    var button = block.querySelector('[data-passkey-button]');
    var note = block.querySelector('[data-passkey-nojs]');
    var errorBox = block.querySelector('[data-passkey-error]');
    if (!button) return;
    if (!lib || !lib.browserSupportsWebAuthn()) {
      if (note) note.textContent = 'This browser can’t use passkeys.';
      return;
    }
    if (note) note.hidden = true;
    button.hidden = false;
    button.disabled = false;

    var action = block.getAttribute('data-passkey-action');
    var form = action === 'register' ? block.closest('form') : null;
    var start = function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      show(errorBox, '');
      run(action, block).then(
        function (next) {
          window.location.assign(next);
        },
        function (error) {
          if (error.code === 'auth.step_up_required') return window.location.assign(STEP_UP_PAGE);
          button.disabled = false;
          show(errorBox, messageFor(error));
        },
      );
    };
    if (form) form.addEventListener('submit', start);
    else button.addEventListener('click', start);
  }

  function run(action, block) {
    if (action === 'register') return register();
    if (action === 'signin') return ceremony('/api/v1/signin/passkey/options', '/api/v1/signin/passkey', true);
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
  function ceremony(optionsUrl, finishUrl, sendFlowId) {
    return post(optionsUrl, {})
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

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (json) {
          if (response.ok) return json;
          var problem = (json && json.error) || {};
          var error = new Error(problem.message || GENERIC);
          error.code = problem.code;
          error.fields = problem.fields;
          error.fromServer = true;
          throw error;
        });
    });
  }

  function messageFor(error) {
    if (error.fromServer) {
      var fields = error.fields || {};
      return fields.name || error.message || GENERIC;
    }
    // Errors from the browser's passkey prompt, as @simplewebauthn/browser names them.
    if (error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This device already has a passkey for your account.';
    if (error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again when you’re ready.';
    return GENERIC;
  }

  function show(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
})();
