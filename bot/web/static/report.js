// The service report page: sends the messages the assistant did not understand to the trainers' inbox.
(function () {
  "use strict";
  var button = document.getElementById("to-inbox");
  if (!button) return;
  var result = document.getElementById("to-inbox-result");
  button.addEventListener("click", function () {
    button.disabled = true;
    result.textContent = "发送中…";
    fetch("/api/report/inbox", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: button.dataset.from, to: button.dataset.to })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || r.status);
        result.textContent = "已加入标注收件箱 " + body.added + " 条（其余 " + (body.messages - body.added) + " 条已在收件箱里）";
      });
    }).catch(function (e) { result.textContent = "没有发送成功：" + e.message; button.disabled = false; });
  });
})();
