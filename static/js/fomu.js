/* Wananchi: the forms that carry files (submit a ticket, add information) on a slow network, where the browser runs
 * scripts; each is marked data-upload-form. Without scripts the forms work as they are.
 * - Photos are drawn again in the browser, at most 1,600 pixels long, as JPEG, before they are sent (a phone's
 *   photo of 1 to 5 MB becomes about 200 KB); the server still checks and redraws what it receives.
 * - The form is sent in the background with its progress shown, and the answer replaces the page.
 * - A file too large to be taken is refused at once, before anything is sent.
 * - "Use my location" adds the phone's coordinates, where the browser allows it.
 * - The header's language link presses the form's own language button, so what was typed is kept.
 * Written for old phone browsers too: no build step, no library, nothing loaded from elsewhere. */
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var SHRINK_FROM_BYTES = 1024 * 1024;
  var DRAWABLE = /^image\/(jpeg|png|webp)$/;
  var enhanced = window.FormData && FormData.prototype.delete && window.XMLHttpRequest && window.DOMParser &&
    window.Promise && window.URL && URL.createObjectURL && window.HTMLCanvasElement &&
    HTMLCanvasElement.prototype.toBlob && window.history && history.pushState;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function megabytes(size) {
    return (Math.max(size / 1048576, 0.1)).toFixed(1).replace(/\.0$/, "");
  }

  function shrink(file) {
    /* The photo drawn again at most MAX_SIDE pixels long, as JPEG; the file itself when it is small already or
       cannot be drawn here (a HEIC photo in most browsers: the server converts it). */
    return new Promise(function (resolve) {
      if (!DRAWABLE.test(file.type)) { resolve(file); return; }
      var address = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
        URL.revokeObjectURL(address);
        if (scale === 1 && file.size < SHRINK_FROM_BYTES) { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.naturalWidth * scale);
        canvas.height = Math.round(image.naturalHeight * scale);
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff";  /* a transparent screenshot comes out on white, as the server draws it */
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve({blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg"});
        }, "image/jpeg", QUALITY);
      };
      image.onerror = function () { URL.revokeObjectURL(address); resolve(file); };
      image.src = address;
    });
  }

  function tooLarge(form, file) {
    /* The message for a file the server would refuse for its size, or "" */
    var documentLike = /pdf$/i.test(file.type) || /\.pdf$/i.test(file.name);
    var limit = Number(form.getAttribute(documentLike ? "data-document-limit" : "data-photo-limit"));
    if (!limit || file.size <= limit) { return ""; }
    var text = form.getAttribute(documentLike ? "data-document-too-large" : "data-photo-too-large");
    return fill(text, {name: file.name, size: megabytes(file.size)});
  }

  function showFileError(form, message) {
    var input = form.querySelector("input[type=file]");
    var field = input.parentNode;
    var shown = document.getElementById("attachments-script-error");
    if (!shown) {
      shown = document.createElement("p");
      shown.id = "attachments-script-error";
      shown.className = "field-error";
      shown.setAttribute("role", "alert");
      field.insertBefore(shown, input);
    }
    shown.textContent = message;
    field.className += / has-error/.test(field.className) ? "" : " has-error";
    input.focus();
  }

  function replacePage(html, address, changedAddress) {
    /* Show the page the server answered as if the browser had loaded it, then enhance it again. */
    var answer = new DOMParser().parseFromString(html, "text/html");
    /* The body, title and language: the head's stylesheet, script and icon stay as they are (nothing reloads). */
    document.documentElement.replaceChild(document.adoptNode(answer.body), document.body);
    document.title = answer.title;
    document.documentElement.lang = answer.documentElement.lang;
    if (changedAddress) {
      history.pushState(null, "", address);  /* as the browser's redirect would: Back returns to the form */
    }
    window.scrollTo(0, 0);
    var focus = document.querySelector("[autofocus]") || document.querySelector("h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
      focus.focus();
    }
    start();
  }

  function send(form, submitter) {
    var input = form.querySelector("input[type=file]");
    var chosen = input && input.files ? Array.prototype.slice.call(input.files) : [];
    var progress = form.querySelector(".upload-progress");
    var bar = progress.querySelector("progress");
    var label = progress.querySelector("span");
    var button = form.querySelector("button.button[type=submit]");
    progress.hidden = false;
    label.textContent = form.getAttribute("data-preparing");
    button.disabled = true;

    function failed(message) {
      label.textContent = message;
      button.disabled = false;
    }

    Promise.all(chosen.map(shrink)).then(function (files) {
      var data = new FormData(form);
      data.delete(input ? input.name : "attachments");
      for (var i = 0; i < files.length; i++) {
        var file = files[i];
        if (file.blob) {
          data.append(input.name, file.blob, file.name);
        } else {
          var refusal = tooLarge(form, file);
          if (refusal) { progress.hidden = true; button.disabled = false; showFileError(form, refusal); return; }
          data.append(input.name, file, file.name);
        }
      }
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.onprogress = function (event) {
        if (!event.lengthComputable) { return; }
        bar.max = event.total;
        bar.value = event.loaded;
        label.textContent = fill(form.getAttribute("data-sending"), {
          done: Math.round(event.loaded / 1024), total: Math.round(event.total / 1024)
        });
      };
      request.upload.onload = function () {
        bar.removeAttribute("value");
        label.textContent = form.getAttribute("data-sent");
      };
      request.onload = function () {
        var address = request.responseURL || form.action;
        replacePage(request.responseText, address, address !== form.action);
      };
      request.onerror = request.ontimeout = function () { failed(form.getAttribute("data-failed")); };
      request.send(data);
    });
  }

  function enhanceLocation(form) {
    var box = document.getElementById("location");
    if (!box || !navigator.geolocation) { return; }
    var latitude = document.getElementById("latitude");
    var longitude = document.getElementById("longitude");
    var status = document.getElementById("location-status");
    var use = document.getElementById("use-location");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = form.getAttribute("data-location-remove");

    function shown(text) {
      status.textContent = text;
      if (latitude.value) { status.appendChild(document.createTextNode(" ")); status.appendChild(remove); }
    }

    box.hidden = false;
    if (latitude.value && longitude.value) { shown(form.getAttribute("data-location-kept")); }
    use.addEventListener("click", function () {
      shown(form.getAttribute("data-location-finding"));
      navigator.geolocation.getCurrentPosition(function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        shown(fill(form.getAttribute("data-location-added"), {metres: Math.round(position.coords.accuracy)}));
      }, function () {
        shown(form.getAttribute("data-location-failed"));
      }, {enableHighAccuracy: true, timeout: 30000, maximumAge: 60000});
    });
    remove.addEventListener("click", function () {
      latitude.value = longitude.value = "";
      shown("");
      use.focus();
    });
  }

  function focusFromSummary(event) {
    /* A link of the error summary puts the cursor in its field (a link to #field alone only scrolls there). */
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (!field) { return; }
    event.preventDefault();
    var control = field.matches("input, select, textarea, button") ? field : field.querySelector("input, select");
    (control || field).focus();
    var label = document.querySelector("label[for='" + field.id + "'], #" + field.id + " legend");
    (label || field).scrollIntoView();
  }

  function enhanceForm(form) {
    var language = form.querySelector("button[name=lugha]");
    var link = document.querySelector("header .lang a");
    if (language && link) {
      link.addEventListener("click", function (event) { event.preventDefault(); language.click(); });
    }
    if (!enhanced) { return; }
    var submitter = null;
    form.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("button") : null;
      if (target && target.type === "submit") { submitter = target; }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form, event.submitter || submitter);
      submitter = null;
    });
  }

  function start() {
    var summaries = document.querySelectorAll(".error-summary");
    for (var i = 0; i < summaries.length; i++) { summaries[i].addEventListener("click", focusFromSummary); }
    var forms = document.querySelectorAll("form[data-upload-form]");
    for (var j = 0; j < forms.length; j++) {
      enhanceLocation(forms[j]);
      enhanceForm(forms[j]);
    }
  }

  /* A page this script showed has no document of its own to go back to: load the one the address names. */
  window.addEventListener("popstate", function () { window.location.reload(); });
  start();
}());
