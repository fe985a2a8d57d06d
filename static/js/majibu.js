/* Wananchi: "Je, hili limeshajibiwa?" while the citizen types, where the browser runs scripts.
 * As the subject (and description) are typed and a service is chosen, the submit form asks the service for the
 * closest published answers (POST /maswali/kabla-ya-kuwasilisha.json, rate-limited; only published answers come
 * back) and lists them above the Submit button, opening in a new tab. The offer is recorded by the service like the
 * form's own step without scripts, and its token travels with the form, so the form does not stop again and the
 * reports can count whether the citizen still submitted. Without scripts the form stops once instead.
 * No build step, no library, nothing loaded from elsewhere. */
(function () {
  "use strict";
  var WAIT_MS = 600;
  var MIN_SUBJECT = 5;
  var form = document.getElementById("ticket-form");
  if (!form || !form.getAttribute("data-answers-url") || !window.XMLHttpRequest || !window.FormData || !window.JSON) {
    return;
  }
  var url = form.getAttribute("data-answers-url");
  var subject = form.elements.subject;
  var description = form.elements.description;
  var category = form.elements.category;
  var send = document.getElementById("send");
  var timer = null;
  var asked = "";
  var busy = false;  /* one question at a time, so that every answer after the first reuses the offer's token */
  var again = false;

  function tokenField() {
    var field = form.elements.answers_offer;
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "answers_offer";
      form.appendChild(field);
    }
    return field;
  }

  function clear() {
    var shown = document.getElementById("answers-suggested");
    if (shown) { shown.parentNode.removeChild(shown); }
  }

  function show(answers) {
    clear();
    if (!answers.length) { return; }
    var section = document.createElement("section");
    section.id = "answers-suggested";
    section.className = "card answers-offered";
    section.setAttribute("aria-live", "polite");
    var heading = document.createElement("h2");
    heading.textContent = form.getAttribute("data-answers-heading");
    var intro = document.createElement("p");
    intro.textContent = form.getAttribute("data-answers-intro");
    var list = document.createElement("ul");
    answers.forEach(function (answer) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = answer.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = answer.question;
      var where = document.createElement("span");
      where.className = "hint";
      where.textContent = " " + answer.institution;
      item.appendChild(link);
      item.appendChild(where);
      list.appendChild(item);
    });
    section.appendChild(heading);
    section.appendChild(intro);
    section.appendChild(list);
    send.parentNode.insertBefore(section, send);
  }

  function ask() {
    timer = null;
    if (busy) { again = true; return; }
    var text = subject.value.trim();
    if (text.length < MIN_SUBJECT || !category.value) { return; }
    var wanted = [category.value, text, description.value.trim()].join("\n");
    if (wanted === asked) { return; }
    asked = wanted;
    var data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    data.append("category", category.value);
    data.append("subject", text);
    data.append("description", description.value.trim());
    data.append("answers_offer", form.elements.answers_offer ? form.elements.answers_offer.value : "");
    var request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { return; }  /* a limit reached, a hiccup: the form's own step still works */
      var found;
      try { found = JSON.parse(request.responseText); } catch (error) { return; }
      if (found.token) { tokenField().value = found.token; }
      show(found.answers || []);
    };
    request.onloadend = function () {
      busy = false;
      if (again) { again = false; ask(); }
    };
    busy = true;
    request.send(data);
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(ask, WAIT_MS);
  }

  subject.addEventListener("input", later);
  description.addEventListener("input", later);
  category.addEventListener("change", later);
  subject.addEventListener("blur", function () { if (timer) { window.clearTimeout(timer); ask(); } });
})();
