/*
 * What every passkey button shares, for passkeys.js (customers) and staff-passkeys.js (the support console).
 * Progressive enhancement: the server renders each button hidden and disabled beside a line saying passkeys need
 * JavaScript; a button is shown only when the browser can use passkeys. The ceremony itself is left to
 * @simplewebauthn/browser (the global SimpleWebAuthnBrowser); the JSON API answers with JSON, so no CSRF token is
 * needed (same-origin cookies). Text goes in with textContent only, and nothing here is inline, for the CSP.
 */
(function () {
  'use strict';

  var lib = window.SimpleWebAuthnBrowser;
  var GENERIC = 'Something went wrong. Please try again.';

  /**
   * Turns on every block carrying `attribute`. `run(block)` does the ceremony and resolves to the page to go to
   * next; `options.onSubmit(block)` says the block's form submit (not a click) starts it; `options.refused(error)`
   * may handle a refusal itself (returning true), before its message is shown.
   */
  function bind(attribute, run, options) {
    options = options || {};
    var blocks = document.querySelectorAll('[' + attribute + ']');
    for (var i = 0; i < blocks.length; i++) setUp(blocks[i], run, options);
  }

  function setUp(block, run, options) {
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

    var start = function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      show(errorBox, '');
      run(block).then(
        function (next) {
          window.location.assign(next);
        },
        function (error) {
          if (options.refused && options.refused(error)) return;
          button.disabled = false;
          show(errorBox, messageFor(error));
        },
      );
    };
    var form = options.onSubmit && options.onSubmit(block) ? block.closest('form') : null;
    if (form) form.addEventListener('submit', start);
    else button.addEventListener('click', start);
  }

  function fromServer(message, problem) {
    var error = new Error(message || GENERIC);
    error.fromServer = true;
    error.code = problem && problem.code;
    error.fields = problem && problem.fields;
    return error;
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
          throw fromServer(problem.message, problem);
        });
    });
  }

  function messageFor(error) {
    if (error.fromServer) {
      var fields = error.fields || {};
      return fields.password || fields.name || error.message || GENERIC;
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

  window.CustosPasskeyButtons = { bind: bind, post: post, fromServer: fromServer, lib: lib };
})();
