/*
 * Password strength while typing, on the sign-up and change-password pages. Progressive enhancement only: the
 * server enforces every rule on submit whether or not this runs. It asks the same check the server applies
 * (POST /api/v1/passwords/check, JSON, so no CSRF token is needed) 250 ms after the customer stops typing, and
 * writes the verdict into the page's `.password-meter` element — an aria-live region already tied to the field
 * by aria-describedby. Text goes in with textContent only, and nothing here is inline, for the CSP.
 */
(function () {
  'use strict';

  var LABELS = ['Too weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
  var DEBOUNCE_MS = 250;
  var ENDPOINT = '/api/v1/passwords/check';

  var meters = document.querySelectorAll('.password-meter[data-for]');
  for (var i = 0; i < meters.length; i++) attach(meters[i]);

  function attach(meter) {
    var input = document.getElementById(meter.getAttribute('data-for'));
    if (!input) return;
    var timer = 0;
    var pending = null;

    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      if (pending) pending.abort();
      if (!input.value) {
        clear(meter);
        return;
      }
      timer = window.setTimeout(check, DEBOUNCE_MS);
    });

    function check() {
      pending = typeof AbortController === 'function' ? new AbortController() : null;
      var body = { password: input.value };
      var name = contextValue(input.form, meter, 'name');
      var email = contextValue(input.form, meter, 'email');
      if (name) body.name = name;
      if (email) body.email = email;
      fetch(ENDPOINT, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: pending ? pending.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (verdict) {
          if (verdict && input.value) show(meter, verdict);
        })
        .catch(function () {
          // Offline or aborted by newer typing: the server still checks on submit.
        });
    }
  }

  /** A field of the same form (sign-up's name and email), else what the page put on the meter. */
  function contextValue(form, meter, name) {
    var field = form ? form.elements.namedItem(name) : null;
    if (field && typeof field.value === 'string' && field.value.trim()) return field.value.slice(0, 1000);
    return meter.getAttribute('data-' + name) || '';
  }

  function show(meter, verdict) {
    // A password the server would refuse never shows as "Strong", whatever its raw score.
    var score = verdict.ok ? clamp(verdict.score) : Math.min(clamp(verdict.score), 1);
    var label = 'Password strength: ' + LABELS[score] + '.';
    var message = verdict.message || (verdict.suggestions && verdict.suggestions[0]) || 'This password meets our rules.';
    // Rewriting the live region only on change keeps screen readers from repeating the same verdict.
    if (meter.getAttribute('data-score') === String(score) && meter.getAttribute('data-message') === message) return;
    meter.setAttribute('data-score', String(score));
    meter.setAttribute('data-message', message);

    var bar = document.createElement('span');
    bar.className = 'meter-bar';
    bar.setAttribute('aria-hidden', 'true');
    for (var i = 0; i < LABELS.length; i++) bar.appendChild(document.createElement('span'));
    var labelText = document.createElement('span');
    labelText.className = 'meter-label';
    labelText.textContent = label;
    var messageText = document.createElement('span');
    messageText.className = 'meter-message';
    messageText.textContent = ' ' + message;

    meter.textContent = '';
    meter.appendChild(bar);
    meter.appendChild(labelText);
    meter.appendChild(messageText);
  }

  function clear(meter) {
    meter.removeAttribute('data-score');
    meter.removeAttribute('data-message');
    meter.textContent = '';
  }

  function clamp(score) {
    var n = Number(score);
    return n >= 0 && n <= 4 ? Math.floor(n) : 0;
  }
})();
