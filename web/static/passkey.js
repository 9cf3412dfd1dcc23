// Passkeys (WebAuthn). The only script of nrm: an authenticator is reached
// through navigator.credentials alone. Each button marked data-passkey asks
// the server for the ceremony's options (data-begin), lets the browser make
// or use the passkey, and posts its answer (data-finish) with the form's
// fields (the CSRF token); the server answers where to go next.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return; // the buttons stay hidden: sign in another way
  }
  function toB64u(buf) {
    var bytes = new Uint8Array(buf), s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function fromB64u(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function creationOptions(o) {
    o.challenge = fromB64u(o.challenge);
    o.user.id = fromB64u(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = fromB64u(c.id); });
    return o;
  }
  function requestOptions(o) {
    o.challenge = fromB64u(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = fromB64u(c.id); });
    return o;
  }
  function answer(c) {
    var r = c.response;
    var out = {id: c.id, rawId: toB64u(c.rawId), type: c.type,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: {clientDataJSON: toB64u(r.clientDataJSON)}};
    if (c.authenticatorAttachment) out.authenticatorAttachment = c.authenticatorAttachment;
    if (r.attestationObject) {
      out.response.attestationObject = toB64u(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toB64u(r.authenticatorData);
      out.response.signature = toB64u(r.signature);
      if (r.userHandle) out.response.userHandle = toB64u(r.userHandle);
    }
    return out;
  }
  function post(url, fields) {
    return fetch(url, {method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin',
      headers: {'Accept': 'application/json'}}).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (j) {
        if (!res.ok) throw new Error(j.error || 'The server refused the passkey.');
        return j;
      });
    });
  }
  document.querySelectorAll('[data-passkey]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function (ev) {
      ev.preventDefault();
      var form = btn.closest('form'), status = document.getElementById(btn.dataset.status);
      var fields = {};
      new FormData(form).forEach(function (v, k) { fields[k] = v; });
      status.textContent = '';
      btn.disabled = true;
      post(btn.dataset.begin, fields).then(function (begun) {
        var pk = begun.options.publicKey;
        return btn.dataset.passkey === 'create'
          ? navigator.credentials.create({publicKey: creationOptions(pk)})
          : navigator.credentials.get({publicKey: requestOptions(pk)});
      }).then(function (cred) {
        fields.response = JSON.stringify(answer(cred));
        return post(btn.dataset.finish, fields);
      }).then(function (done) {
        window.location.assign(done.next);
      }).catch(function (e) {
        btn.disabled = false;
        status.textContent = (e && e.name === 'NotAllowedError')
          ? 'No passkey was used (cancelled, timed out, or none for this site).'
          : (e && e.message) || 'The passkey did not work.';
        status.className = 'error';
      });
    });
  });
})();
