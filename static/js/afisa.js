/* The officer's ticket page: a canned response is inserted where the cursor is in the reply box. Without scripts
   (or when the request fails) the Insert button sends the form, which comes back with the text added. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) {
    return;
  }
  document.querySelectorAll("[data-canned-url]").forEach(function (box) {
    var form = box.closest("form");
    var select = box.querySelector("select");
    var button = box.querySelector("button[name=insert_canned]");
    var target = document.getElementById(box.getAttribute("data-canned-target"));
    if (!form || !select || !button || !target) {
      return;
    }
    var touched = false; // before the officer puts the cursor in the box, the text goes after what is there
    target.addEventListener("focus", function () { touched = true; });
    button.addEventListener("click", function (event) {
      if (!select.value) {
        return; // the page comes back saying what to choose
      }
      event.preventDefault();
      var data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      data.append("canned", select.value);
      fetch(box.getAttribute("data-canned-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("canned response: " + response.status);
        }
        return response.json();
      }).then(function (answer) {
        var value = target.value;
        var start = touched ? target.selectionStart : value.length;
        var end = touched ? target.selectionEnd : value.length;
        var before = value.slice(0, start);
        var text = (before && !/\n$/.test(before) ? "\n\n" : "") + answer.text;
        target.value = before + text + value.slice(end);
        target.focus();
        target.selectionStart = target.selectionEnd = start + text.length;
        touched = true;
      }).catch(function () {
        form.requestSubmit(button);
      });
    });
  });
})();
