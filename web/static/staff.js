// Hotline staff view: one query fills the answer pane (/api/ask) and the passages (/api/search).
(function () {
  "use strict";
  var M = window.Minzheng;
  var K = 8;
  var form = document.getElementById("staff-form");
  var input = document.getElementById("q");
  var year = document.getElementById("year");
  var kind = document.getElementById("kind");
  var status = document.getElementById("staff-status");
  var answerBody = document.getElementById("answer-body");
  var passages = document.getElementById("passages");
  var count = document.getElementById("passage-count");
  var copyButton = document.getElementById("copy");
  var copyBox = document.querySelector(".copy-box");
  var copyText = document.getElementById("copy-text");
  if (!form || !M) return;

  copyButton.hidden = false;
  var serial = 0;

  function params(question) {
    var p = new URLSearchParams();
    p.set("q", question);
    if (year.value) p.set("year", year.value);
    if (kind.value) p.set("kind", kind.value);
    return p;
  }

  function renderPassages(data) {
    passages.textContent = "";
    data.hits.forEach(function (hit) {
      var li = M.el("li", "passage");
      var head = M.el("div", "passage-head");
      var a = M.el("a", "", "《" + hit.title + "》");
      a.href = M.passageUrl(hit.doc_id, hit.start, hit.end);
      a.target = "_blank";
      a.rel = "noopener";
      head.appendChild(a);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(M.el("span", "meta",
        [hit.kind, hit.number ? "第" + hit.number + "号" : "", hit.date].filter(Boolean).join(" · ")));
      li.appendChild(head);
      if (M.showsHeading(hit.heading, hit.text)) li.appendChild(M.el("p", "heading", hit.heading));
      var text = M.el("p", "passage-text");
      M.highlight(hit.text, data.terms).forEach(function (part) {
        text.appendChild(part.marked ? M.el("mark", "", part.text) : document.createTextNode(part.text));
      });
      li.appendChild(text);
      passages.appendChild(li);
    });
    count.textContent = data.hits.length ? data.hits.length + " 段" : "没有找到";
  }

  function fail(result) {
    answerBody.textContent = "";
    answerBody.appendChild(M.el("p", "error", M.problem(result.status, result.data && result.data.detail)));
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  var asked = [];

  function run() {
    var question = input.value.trim();
    if (!question) {
      input.focus();
      return;
    }
    var limit = Number(input.getAttribute("data-max")) || 1000;
    if (question.length > limit) {  // refused with the limit, never cut
      status.textContent = M.tooLong(question, limit, "问题");
      input.focus();
      return;
    }
    var mine = ++serial;
    var p = params(question);
    history.replaceState(null, "", "/staff?" + p.toString());
    status.textContent = "查询中…";
    // The agent's earlier questions on this page, so a follow-up (那非深户的呢？) keeps its topic.
    var body = { question: question, k: K, history: asked.slice(-6) };
    if (asked[asked.length - 1] !== question) asked.push(question);
    if (year.value) body.year = Number(year.value);
    if (kind.value) body.kind = kind.value;
    p.set("k", String(K));
    Promise.all([M.postJson("/api/ask", body), getJson("/api/search?" + p.toString())]).then(function (results) {
      if (mine !== serial) return;  // a newer query is on its way
      var ask = results[0];
      var search = results[1];
      status.textContent = "";
      if (!ask.ok) {
        fail(ask);
        copyButton.disabled = true;
        copyBox.hidden = true;
      } else {
        answerBody.textContent = "";
        answerBody.appendChild(M.renderAnswer(ask.data, true));
        answerBody.appendChild(M.renderFeedback(question, ask.data));
        copyText.value = M.copyText(ask.data);
        copyButton.disabled = false;
        copyBox.hidden = false;
      }
      if (search.ok) renderPassages(search.data);
      else { passages.textContent = ""; count.textContent = ""; }
    }).catch(function () {
      if (mine !== serial) return;
      status.textContent = "";
      fail({ status: 0 });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  [year, kind].forEach(function (select) {
    select.addEventListener("change", function () { if (input.value.trim()) run(); });
  });

  function copied(ok) {
    copyButton.textContent = ok ? "已复制 ✓" : "请手动复制下方文本";
    if (!ok) { copyBox.open = true; copyText.select(); }
    setTimeout(function () { copyButton.textContent = "复制答案及出处"; }, 2000);
  }

  // navigator.clipboard needs a secure context; staff desktops may reach the server over plain http.
  function fallbackCopy() {
    copyText.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    copied(ok);
  }

  copyButton.addEventListener("click", function () {
    var text = copyText.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(true); }, fallbackCopy);
    } else {
      fallbackCopy();
    }
  });

  // "/" jumps back to the question box from anywhere on the page.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && tag !== "input" && tag !== "textarea" && tag !== "select") {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
