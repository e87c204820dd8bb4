/*
 * Staff passkeys in the support console: finish a setup link with a passkey, or use one as the second step of
 * staff sign-in. The buttons, errors and requests are passkey-buttons.js's; this file holds the ceremonies, over
 * the staff JSON API (/api/support/v1). The setup token and the sign-in ticket come from data attributes, never
 * the URL.
 */
(function () {
  'use strict';

  var buttons = window.CustosPasskeyButtons;
  if (!buttons) return;
  var lib = buttons.lib;
  var post = buttons.post;

  buttons.bind('data-staff-passkey', function (block) {
    return block.getAttribute('data-staff-passkey') === 'setup' ? setupWithPasskey(block) : signinWithPasskey(block);
  });

  function setupWithPasskey(block) {
    var token = block.getAttribute('data-token') || '';
    var form = block.closest('form');
    var password = form ? form.querySelector('[name="password"]').value : '';
    var nameInput = block.querySelector('[name="passkey_name"]');
    var name = (nameInput && nameInput.value) || 'Passkey';
    if (!password) return Promise.reject(buttons.fromServer('Choose a password first.'));
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
})();
