/*
 * Staff passkeys in the support console: finish a setup link with a passkey, or use one as the second step of
 * staff sign-in. Like passkeys.js: the button is rendered hidden and shown only when the browser can use
 * passkeys; the script talks to the staff JSON API (/api/support/v1) and leaves the ceremony to
 * @simplewebauthn/browser. The setup token and the sign-in ticket come from data attributes, never the URL.
 * Text goes in with textContent only, and nothing here is inline, for the CSP.
 */
(function () {
  'use strict';

  var lib = window.SimpleWebAuthnBrowser;
  var GENERIC = 'Something went wrong. Please try again.';
  var blocks = document.querySelectorAll('[data-staff-passkey]');
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
    button.addEventListener('click', function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      show(errorBox, '');
      var run = block.getAttribute('data-staff-passkey') === 'setup' ? setupWithPasskey : signinWithPasskey;
      run(block).then(
        function (next) {
          window.location.assign(next);
        },
        function (error) {
          button.disabled = false;
          show(errorBox, messageFor(error));
        },
      );
    });
  }

  function setupWithPasskey(block) {
    var token = block.getAttribute('data-token') || '';
    var form = block.closest('form');
    var password = form ? form.querySelector('[name="password"]').value : '';
    var nameInput = block.querySelector('[name="passkey_name"]');
    var name = (nameInput && nameInput.value) || 'Passkey';
    if (!password) return Promise.reject(fromServer('Choose a password first.'));
    return post('/api/support/v1/setup/passkey', { token: token })
      .then(function (started) {
        return lib.startRegistration({ optionsJSON: started.options }).then(function (response) {
          var passkey = { flow_id: started.flow_id, name: name, response: response };
          return post('/api/support/v1/setup', { token: token, password: password, passkey: passkey });
        });
      })
      .then(function () {
        return '/support/signin?notice=setup';
      });
  }

  function signinWithPasskey(block) {
    var ticket = block.getAttribute('data-ticket') || '';
    return post('/api/support/v1/signin/passkey', { ticket: ticket })
      .then(function (started) {
        return lib.startAuthentication({ optionsJSON: started.options }).then(function (response) {
          return post('/api/support/v1/signin/passkey/finish', { ticket: ticket, flow_id: started.flow_id, response: response });
        });
      })
      .then(function () {
        return '/support';
      });
  }

  function fromServer(message, fields) {
    var error = new Error(message || GENERIC);
    error.fromServer = true;
    error.fields = fields;
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
          throw fromServer(problem.message, problem.fields);
        });
    });
  }

  function messageFor(error) {
    if (error.fromServer) {
      var fields = error.fields || {};
      return fields.password || fields.name || error.message || GENERIC;
    }
    if (error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again when you’re ready.';
    return GENERIC;
  }

  function show(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
})();
